import type { CitySize } from './population';

/**
 * The two ways to run the bench: `full` (the figures, about 1 and 10 million events) and `quick` (small
 * populations and short loads, for development: under 5 minutes on the 2-core machine, build included).
 */

export type Mode = 'full' | 'quick';

export interface ModeSettings {
  mode: Mode;
  /** Smallest first: growth compares each figure at the first size with the last. */
  cities: CitySize[];
  /** Runs of each figure, and of its baseline, alternated. */
  runs: number;
  /** One HTTP load run; a warm-up of warmupSeconds per server comes first and is discarded. */
  loadSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** The import figure imports this many events from the start of the population's export. */
  importPrefixEvents: number;
  /** Score reads made before the memory of a server is read. */
  memorySampleReads: number;
}

/** The default city (`seed` defaults) has 740,000 residents and 3,000 organisations; smaller cities keep the ratio. */
const organisationsPerResident = 3_000 / 740_000;

export const citySized = (residents: number): CitySize => ({
  residents,
  organisations: Math.max(1, Math.round(residents * organisationsPerResident)),
});

const fullSettings: ModeSettings = {
  mode: 'full',
  cities: [citySized(74_000), citySized(740_000)],
  runs: 3,
  loadSeconds: 10,
  warmupSeconds: 3,
  connections: 50,
  importPrefixEvents: 1_000_000,
  memorySampleReads: 2_000,
};

const quickSettings: ModeSettings = {
  mode: 'quick',
  // Small enough that the whole quick run, seeding included, stays under 5 minutes at today's rebuild, verify and
  // import speeds; the HTTP figures take about 90 s a city whatever its size.
  cities: [citySized(1_000), citySized(4_000)],
  runs: 3,
  loadSeconds: 3,
  warmupSeconds: 1,
  connections: 50,
  importPrefixEvents: 100_000,
  memorySampleReads: 200,
};

export const settingsFor = (mode: Mode): ModeSettings => (mode === 'quick' ? quickSettings : fullSettings);
