import type { Figure, Measurement } from './figures/figure';
import { formatQuantity, formatRatio } from './format';

/**
 * The goals as checks on a figure's measurement. A check is met, missed (with the measured gap), or
 * undecided (null) when what it needs was refused or failed.
 */

export interface Verdict {
  met: boolean | null;
  /** The measured value behind the verdict, and the gap when the goal is missed. */
  detail: string;
}

export interface GoalCheck {
  text: string;
  evaluate(figure: Figure, measurement: Measurement): Verdict;
}

/** Ours over the baseline's median, oriented so that above 1 is better; undefined unless both sides stand. */
export const ratioOf = (figure: Figure, measurement: Measurement): number | undefined => {
  const ours = measurement.ours[figure.primary.metric];
  const baseline = measurement.baseline?.[figure.primary.metric];
  if (measurement.failure || !ours || !baseline || ours.refused || baseline.refused) return undefined;
  if (ours.median === 0 || baseline.median === 0) return undefined;
  return figure.primary.higherIsBetter ? ours.median / baseline.median : baseline.median / ours.median;
};

export const ratioAtLeast = (minimum: number): GoalCheck => ({
  text: `≥ ${minimum}× baseline`,
  evaluate(figure, measurement) {
    const ratio = ratioOf(figure, measurement);
    if (ratio === undefined) return { met: null, detail: 'no ratio: a side was refused or failed' };
    if (ratio >= minimum) return { met: true, detail: formatRatio(ratio) };
    return { met: false, detail: `${formatRatio(ratio)}, ${formatRatio(minimum - ratio)} short` };
  },
});

/** The median of `metric` strictly under `limit`; `label` names it in the goal (e.g. "p99"). */
export const below = (metric: string, limit: number, unit: string, label: string): GoalCheck => ({
  text: `${label} < ${formatQuantity(limit, unit)}`,
  evaluate(_figure, measurement) {
    const summary = measurement.ours[metric];
    if (measurement.failure || !summary) return { met: null, detail: `no ${label}: the runs failed` };
    if (summary.refused) return { met: null, detail: `no ${label}: its runs disagree` };
    const value = formatQuantity(summary.median, unit);
    if (summary.median < limit) return { met: true, detail: `${label} ${value}` };
    if (summary.median === limit) return { met: false, detail: `${label} ${value}, at the limit rather than under it` };
    return { met: false, detail: `${label} ${value}, ${formatQuantity(summary.median - limit, unit)} over` };
  },
});
