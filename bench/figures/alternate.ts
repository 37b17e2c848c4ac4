import { step } from '../stepLog';

/**
 * Runs a baseline and ours in turn, run by run (baseline, ours, baseline, ours, …), so that drift on a noisy
 * machine hits both alike and the ratio holds.
 */

export interface Alternated<T> {
  baseline: T[];
  ours: T[];
}

export const alternate = async <T>(
  runs: number,
  sides: { baseline: () => Promise<T>; ours: () => Promise<T> },
  describe: (outcome: T) => string,
): Promise<Alternated<T>> => {
  const outcomes: Alternated<T> = { baseline: [], ours: [] };
  for (let run = 1; run <= runs; run += 1) {
    for (const side of ['baseline', 'ours'] as const) {
      const outcome = await sides[side]();
      outcomes[side].push(outcome);
      step(`  run ${run}/${runs} ${side}: ${describe(outcome)}`);
    }
  }
  return outcomes;
};

/** The same runs without a baseline. */
export const repeat = async <T>(
  runs: number,
  run: () => Promise<T>,
  describe: (outcome: T) => string,
): Promise<T[]> => {
  const outcomes: T[] = [];
  for (let index = 1; index <= runs; index += 1) {
    const outcome = await run();
    outcomes.push(outcome);
    step(`  run ${index}/${runs}: ${describe(outcome)}`);
  }
  return outcomes;
};
