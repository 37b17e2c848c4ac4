import type { Figure, FigureId, Measurement } from './figures/figure';
import { ratioOf, type Verdict } from './goals';
import type { Summary } from './stats';

/**
 * A figure as the results report it: its value (the median of the primary metric, or null when its runs were
 * refused or failed), its baseline, the ratio between them, and each goal met, missed by a measured gap, or
 * undecided.
 */

export interface SideResult {
  value: number | null;
  runs: number[];
  spread: number | null;
  refused: boolean;
  /** Every metric measured, the primary one included. */
  metrics: Record<string, Summary>;
}

export interface FigureResult extends SideResult {
  figure: FigureId;
  title: string;
  /** The primary metric's name in `metrics`, and its unit. */
  metric: string;
  unit: string;
  baseline: (SideResult & { title: string }) | null;
  ratio: number | null;
  goal: string;
  checks: (Verdict & { goal: string })[];
  met: boolean | null;
  failure: string | null;
  notes: string[];
}

const sideOf = (figure: Figure, summaries: Record<string, Summary>, failed: boolean): SideResult => {
  const primary = summaries[figure.primary.metric];
  return {
    value: primary && !primary.refused && !failed ? primary.median : null,
    runs: primary?.runs ?? [],
    spread: primary?.spread ?? null,
    refused: primary?.refused ?? false,
    metrics: summaries,
  };
};

const overall = (checks: readonly Verdict[]): boolean | null => {
  if (checks.some((check) => check.met === false)) return false;
  return checks.every((check) => check.met === true) ? true : null;
};

export const evaluateFigure = (figure: Figure, measurement: Measurement): FigureResult => {
  const failed = measurement.failure !== undefined;
  const checks = figure.goals.map((goal) => ({ goal: goal.text, ...goal.evaluate(figure, measurement) }));
  return {
    figure: figure.id,
    title: figure.title,
    metric: figure.primary.metric,
    unit: figure.primary.unit,
    ...sideOf(figure, measurement.ours, failed),
    baseline:
      measurement.baseline && figure.baselineTitle
        ? { title: figure.baselineTitle, ...sideOf(figure, measurement.baseline, failed) }
        : null,
    ratio: ratioOf(figure, measurement) ?? null,
    goal: figure.goals.map((goal) => goal.text).join('; '),
    checks,
    met: failed ? null : overall(checks),
    failure: measurement.failure ?? null,
    notes: measurement.notes,
  };
};

/** A figure that could not be measured at all: the error stands in for its value. */
export const failedFigure = (figure: Figure, error: unknown): FigureResult =>
  evaluateFigure(figure, {
    ours: {},
    failure: error instanceof Error ? error.message : String(error),
    notes: [],
  });
