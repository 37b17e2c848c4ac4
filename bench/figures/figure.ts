import type { Credentials } from '../credentials';
import type { GoalCheck } from '../goals';
import type { LogCounts } from '../logCounts';
import type { ModeSettings } from '../modes';
import type { Summary } from '../stats';

/**
 * A figure of the benchmark: what it measures, against which baseline, its goals, and how it measures them on
 * one population. Each figure is a file beside this one; index.ts lists them in the order they run.
 */

export const figureIds = [
  'bulkImport',
  'rebuild',
  'verify',
  'startup',
  'memory',
  'scoreReads',
  'eligibilityReads',
  'asOfReplay',
  'durableWrites',
] as const;
export type FigureId = (typeof figureIds)[number];

/** What the figures of one population share. */
export interface PopulationContext {
  settings: ModeSettings;
  /** The bench's own copy of the population: figures may write to it. */
  dbPath: string;
  /** The population as seeded, before any figure ran. */
  population: LogCounts;
  credentials: Credentials;
  /** A directory for this population's scratch files, removed when its figures are done. */
  scratchDirectory: string;
}

/** What a figure's runs gave, by metric: each a median of runs with their spread. */
export interface Measurement {
  ours: Record<string, Summary>;
  baseline?: Record<string, Summary>;
  /** Why the runs cannot stand as a figure (errors, unexpected answers): they are reported as such. */
  failure?: string;
  notes: string[];
}

/**
 * How the primary metric should behave from the smallest population to the largest: `constant` (it must not get
 * worse with the size of the log) or `linear` (the work grows with the log, so its rate must hold).
 */
export type GrowthExpectation = 'constant' | 'linear';

/**
 * What must hold on the population before a figure runs. The served figures need both, as on a ledger in use:
 * without a checkpoint, `serve` would sign its first one over the whole log while the load runs.
 */
export type Prerequisite = 'projectionsBuilt' | 'checkpointIssued';

export interface Figure {
  id: FigureId;
  title: string;
  /** The metric that is the figure's value, ratio and growth. */
  primary: { metric: string; unit: string; higherIsBetter: boolean };
  baselineTitle?: string;
  goals: GoalCheck[];
  growth?: GrowthExpectation;
  prerequisites: Prerequisite[];
  /** What holds on the population once the figure has run. */
  establishes?: Prerequisite[];
  measure(context: PopulationContext): Promise<Measurement>;
}

/** Metric names shared by the figures. */
export const metrics = {
  requestsPerSecond: 'requestsPerSecond',
  eventsPerSecond: 'eventsPerSecond',
  p50Ms: 'p50Ms',
  p99Ms: 'p99Ms',
  seconds: 'seconds',
  reportedSeconds: 'reportedSeconds',
  listeningSeconds: 'listeningSeconds',
  secondsForTenMillionEvents: 'secondsForTenMillionEvents',
  rssBytesPerSubject: 'rssBytesPerSubject',
  heapBytesPerSubject: 'heapBytesPerSubject',
} as const;
