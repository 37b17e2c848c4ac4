import { formatQuantity } from '../format';
import { runLoad } from '../load/runLoad';
import { loadFailure, type LoadOutcome, type RequestPlan } from '../load/loadSpec';
import type { ModeSettings } from '../modes';
import { summarise, summariseLatency, type Summary } from '../stats';
import { alternate, repeat } from './alternate';
import { metrics, type Measurement } from './figure';

/**
 * HTTP figures: autocannon loads on a server, each preceded by a discarded warm-up, summarised as requests a
 * second (answers with the expected status only) and autocannon's p50 and p99 latency.
 */

export interface LoadTarget {
  url: string;
  plan: RequestPlan;
  expectedStatus: number;
  connections: number;
}

const load = (target: LoadTarget, durationSeconds: number): Promise<LoadOutcome> =>
  runLoad({ ...target, durationSeconds });

const summariseLoads = (outcomes: readonly LoadOutcome[]): Record<string, Summary> => ({
  [metrics.requestsPerSecond]: summarise(outcomes.map((outcome) => outcome.requestsPerSecond)),
  [metrics.p50Ms]: summariseLatency(outcomes.map((outcome) => outcome.p50Ms)),
  [metrics.p99Ms]: summariseLatency(outcomes.map((outcome) => outcome.p99Ms)),
});

const describeLoad = (outcome: LoadOutcome): string =>
  `${formatQuantity(outcome.requestsPerSecond, 'req/s')}, p50 ${outcome.p50Ms} ms, p99 ${outcome.p99Ms} ms` +
  (loadFailure(outcome) ? ` (${loadFailure(outcome)})` : '');

const firstFailure = (side: string, outcomes: readonly LoadOutcome[]): string | undefined => {
  const failure = outcomes.map(loadFailure).find((problem) => problem !== undefined);
  return failure ? `${side}: ${failure}` : undefined;
};

/** Warm-ups, then ours and the baseline's loads alternated. */
export const compareLoads = async (
  settings: ModeSettings,
  targets: { ours: LoadTarget; baseline: LoadTarget },
): Promise<Measurement> => {
  await load(targets.baseline, settings.warmupSeconds);
  await load(targets.ours, settings.warmupSeconds);
  const outcomes = await alternate(
    settings.runs,
    {
      baseline: () => load(targets.baseline, settings.loadSeconds),
      ours: () => load(targets.ours, settings.loadSeconds),
    },
    describeLoad,
  );
  const failure = firstFailure('ours', outcomes.ours) ?? firstFailure('baseline', outcomes.baseline);
  return {
    ours: summariseLoads(outcomes.ours),
    baseline: summariseLoads(outcomes.baseline),
    ...(failure ? { failure } : {}),
    notes: [],
  };
};

/** A warm-up, then the runs, with no baseline. */
export const measureLoads = async (settings: ModeSettings, target: LoadTarget): Promise<Measurement> => {
  await load(target, settings.warmupSeconds);
  const outcomes = await repeat(settings.runs, () => load(target, settings.loadSeconds), describeLoad);
  const failure = firstFailure('ours', outcomes);
  return { ours: summariseLoads(outcomes), ...(failure ? { failure } : {}), notes: [] };
};
