/**
 * Recorders whose entries are reversed on objection unusually often (domain.md B9, CollectorActivity).
 *
 * The rule, chosen to be explainable in one sentence: a recorder is flagged when they have at least
 * `reversalFlagMinimumEntries` entries and, were each of their entries reversed at the overall rate of all
 * recorders, as many reversals as they had (or more) would happen by chance less often than
 * `reversalFlagProbability` (the upper tail of the binomial distribution). Comparing against the overall rate,
 * rather than against the spread of the recorders' own rates, keeps a recorder with three entries and one
 * reversal from setting or skewing the bar. A flag asks for a human audit of the recorder's entries; it is
 * not a finding: among thousands of recorders, a few are flagged by chance alone.
 */

export const reversalFlagMinimumEntries = 20;
export const reversalFlagProbability = 0.001;

export interface RecorderReversals {
  recorder: string;
  /** Entries of theirs that were posted, whatever became of them. */
  entries: number;
  reversedOnObjection: number;
}

export interface FlaggedRecorder extends RecorderReversals {
  rate: number;
  /** The reversals the overall rate would give them. */
  expected: number;
  /** The chance of at least their reversals at the overall rate. */
  probability: number;
}

export interface ReversalOutliers {
  /** All recorders' reversals on objection over all their entries; 0 when there are no entries. */
  overallRate: number;
  /** Most improbable first. */
  flagged: FlaggedRecorder[];
}

/** Past this many orders of magnitude (e^-40) below the sum, the remaining terms of a tail cannot change it. */
const negligibleLogRatio = 40;

const logAddExp = (a: number, b: number): number => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));

const logChoose = (n: number, k: number): number => {
  let sum = 0;
  for (let j = 1; j <= k; j += 1) sum += Math.log((n - k + j) / j);
  return sum;
};

/** P(X >= successes) for X binomial(trials, rate), summed in logarithms so that large counts cannot underflow. */
export const binomialUpperTail = (trials: number, successes: number, rate: number): number => {
  if (successes <= 0) return 1;
  if (successes > trials || rate <= 0) return 0;
  if (rate >= 1) return 1;
  const logOdds = Math.log(rate) - Math.log1p(-rate);
  let logTerm = logChoose(trials, successes) + successes * Math.log(rate) + (trials - successes) * Math.log1p(-rate);
  let logSum = logTerm;
  // Terms fall from the mode onwards, so once one is negligible all the rest are.
  const mode = Math.floor((trials + 1) * rate);
  for (let i = successes; i < trials; i += 1) {
    logTerm += Math.log((trials - i) / (i + 1)) + logOdds;
    logSum = logAddExp(logSum, logTerm);
    if (i >= mode && logTerm < logSum - negligibleLogRatio) break;
  }
  return Math.min(1, Math.exp(logSum));
};

export const flagReversalOutliers = (recorders: readonly RecorderReversals[]): ReversalOutliers => {
  const entries = recorders.reduce((sum, recorder) => sum + recorder.entries, 0);
  const reversed = recorders.reduce((sum, recorder) => sum + recorder.reversedOnObjection, 0);
  const overallRate = entries === 0 ? 0 : reversed / entries;
  const flagged = recorders
    .filter((recorder) => recorder.entries >= reversalFlagMinimumEntries)
    .map((recorder) => ({
      ...recorder,
      rate: recorder.reversedOnObjection / recorder.entries,
      expected: recorder.entries * overallRate,
      probability: binomialUpperTail(recorder.entries, recorder.reversedOnObjection, overallRate),
    }))
    .filter((recorder) => recorder.probability < reversalFlagProbability)
    .sort((a, b) => a.probability - b.probability || a.recorder.localeCompare(b.recorder));
  return { overallRate, flagged };
};
