import { createHash } from 'node:crypto';

/**
 * A seeded pseudo-random generator and the few distributions the synthetic city draws from. Deterministic:
 * the same seed text gives the same numbers on every run. The generator is sfc32 (Chris Doty-Humphrey's
 * "small fast chaotic" generator, PractRand), 128 bits of state in 32-bit integer arithmetic, seeded from
 * the SHA-256 of the seed text so that neighbouring seeds ("1/r-000001", "1/r-000002") give unrelated
 * sequences. The distributions use Math.log, Math.exp and Math.cos, which V8 computes with its port of fdlibm:
 * the same results on every platform.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** A whole number from min to max, both included. */
  integer(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the choices, with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  /** The wait until the next event of a Poisson process with this rate: exponential, mean 1/rate. */
  exponential(rate: number): number;
  /**
   * A log-normal factor with mean 1 whose underlying normal has standard deviation `spread`: most draws lie
   * below 1, a few far above it (a long tail).
   */
  logNormal(spread: number): number;
}

const twoTo32 = 4_294_967_296;

export const createRandom = (seedText: string): Random => {
  const digest = createHash('sha256').update(seedText).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / twoTo32;
  };
  const integer = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError('cannot pick from no items');
    return items[integer(0, items.length - 1)] as T;
  };
  const standardNormal = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    next,
    integer,
    chance: (probability) => next() < probability,
    pick,
    weighted(choices) {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let remaining = next() * total;
      for (const [choice, weight] of choices) {
        remaining -= weight;
        if (remaining < 0) return choice;
      }
      const last = choices.at(-1);
      if (!last) throw new RangeError('cannot pick from no choices');
      // Rounding can leave a sliver past the last weight: it belongs to the last choice.
      return last[0];
    },
    exponential: (rate) => -Math.log(1 - next()) / rate,
    logNormal: (spread) => Math.exp(spread * standardNormal() - (spread * spread) / 2),
  };
};
