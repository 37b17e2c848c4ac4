/**
 * The statistics every figure goes through: the median of its runs, their spread, and the refusal rule.
 *
 * Spread is (max − min) / median. On this machine differences under about 15% are noise
 * (reference/performance.md §1); a figure whose runs spread more than spreadRefusalThreshold is refused: the
 * bench prints "refused: runs disagree" with the runs instead of a median that would mean nothing.
 */

/** Runs that spread more than this, (max − min) / median, are refused rather than reported. */
export const spreadRefusalThreshold = 0.25;

/**
 * autocannon reports latency percentiles in whole milliseconds, so runs of 2 and 3 ms agree as far as it can
 * tell: a latency's spread discounts this much of max − min before dividing by the median.
 */
export const latencyResolutionMs = 1;

export interface Summary {
  median: number;
  runs: number[];
  /** (max − min − resolution) / median, never below 0. */
  spread: number;
  refused: boolean;
}

export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new RangeError('the median of no runs');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** `resolution` is the measuring instrument's step: differences within it are not disagreement. */
export const spreadOf = (values: readonly number[], resolution = 0): number => {
  const difference = Math.max(0, Math.max(...values) - Math.min(...values) - resolution);
  if (difference === 0) return 0;
  const middle = median(values);
  return middle === 0 ? Number.POSITIVE_INFINITY : difference / Math.abs(middle);
};

export const summarise = (runs: readonly number[], resolution = 0): Summary => {
  const spread = spreadOf(runs, resolution);
  return { median: median(runs), runs: [...runs], spread, refused: spread > spreadRefusalThreshold };
};

export const summariseLatency = (runsMs: readonly number[]): Summary => summarise(runsMs, latencyResolutionMs);
