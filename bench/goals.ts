import type { Figure, Measurement } from './figures/figure';
import { formatQuantity, formatRatio } from './format';

/**
 * The goals as checks on a figure's measurement. A check is met, missed (with the measured gap), or
 * undecided (null) when what it needs failed, or when runs that disagree fall on both sides of the goal: a figure
 * refused for its spread still decides a goal that every one of its runs meets, or that none does.
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

/**
 * The lowest and highest ratio any run of ours makes with any run of the baseline, oriented as ratioOf; undefined
 * when a side failed or is missing. When a side's runs disagree, the goal is still decided if every pairing agrees.
 */
const ratioBoundsOf = (figure: Figure, measurement: Measurement): { lowest: number; highest: number } | undefined => {
  const ours = measurement.ours[figure.primary.metric]?.runs ?? [];
  const baseline = measurement.baseline?.[figure.primary.metric]?.runs ?? [];
  if (measurement.failure || ours.length === 0 || baseline.length === 0) return undefined;
  const [numerator, denominator] = figure.primary.higherIsBetter ? [ours, baseline] : [baseline, ours];
  if (Math.min(...denominator) === 0) return undefined;
  return {
    lowest: Math.min(...numerator) / Math.max(...denominator),
    highest: Math.max(...numerator) / Math.min(...denominator),
  };
};

const ratioRange = ({ lowest, highest }: { lowest: number; highest: number }): string =>
  `${formatRatio(lowest)}–${formatRatio(highest)}`;

export const ratioAtLeast = (minimum: number): GoalCheck => ({
  text: `≥ ${minimum}× baseline`,
  evaluate(figure, measurement) {
    const ratio = ratioOf(figure, measurement);
    if (ratio !== undefined) {
      if (ratio >= minimum) return { met: true, detail: formatRatio(ratio) };
      return { met: false, detail: `${formatRatio(ratio)}, ${formatRatio(minimum - ratio)} short` };
    }
    const bounds = ratioBoundsOf(figure, measurement);
    if (bounds && bounds.lowest >= minimum) {
      return { met: true, detail: `runs disagree, but every pairing of runs reaches it: ${ratioRange(bounds)}` };
    }
    if (bounds && bounds.highest < minimum) {
      const short = formatRatio(minimum - bounds.highest);
      return {
        met: false,
        detail: `runs disagree, but no pairing of runs reaches it: ${ratioRange(bounds)}, ${short} short at best`,
      };
    }
    return { met: null, detail: 'no ratio: a side was refused or failed' };
  },
});

/** The median of `metric` strictly under `limit`; `label` names it in the goal (e.g. "p99"). */
export const below = (metric: string, limit: number, unit: string, label: string): GoalCheck => ({
  text: `${label} < ${formatQuantity(limit, unit)}`,
  evaluate(_figure, measurement) {
    const summary = measurement.ours[metric];
    if (measurement.failure || !summary) return { met: null, detail: `no ${label}: the runs failed` };
    if (summary.refused) {
      // Undecided only if the runs fall on both sides of the limit.
      const runs = summary.runs.map((run) => formatQuantity(run, unit)).join(', ');
      if (Math.max(...summary.runs) < limit)
        return { met: true, detail: `runs disagree, but each is under it: ${runs}` };
      if (Math.min(...summary.runs) >= limit)
        return { met: false, detail: `runs disagree, but none is under it: ${runs}` };
      return { met: null, detail: `no ${label}: its runs disagree, on both sides of the limit (${runs})` };
    }
    const value = formatQuantity(summary.median, unit);
    if (summary.median < limit) return { met: true, detail: `${label} ${value}` };
    if (summary.median === limit) return { met: false, detail: `${label} ${value}, at the limit rather than under it` };
    return { met: false, detail: `${label} ${value}, ${formatQuantity(summary.median - limit, unit)} over` };
  },
});
