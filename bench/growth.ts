import type { Figure, FigureId, GrowthExpectation } from './figures/figure';
import type { PopulationResult } from './populationRun';
import { latencyResolutionMs } from './stats';

/**
 * How each figure changes from the smallest population to the largest, a line per figure: appends, reads and
 * as-of replays must not slow down with the size of the log (`constant`), rebuild and verify must grow linearly
 * with it (`linear`: their rate in events a second holds).
 */

/**
 * How much worse a figure may get from the smallest population to the largest and still hold: a little more
 * than the ±10% drift between sessions measured on this machine (reference/performance.md §1), twice over.
 */
export const growthToleranceFraction = 0.25;

export interface GrowthLine {
  figure: FigureId;
  title: string;
  expectation: GrowthExpectation;
  unit: string;
  /** The figure's value at each population, smallest first. */
  points: { events: number; value: number | null }[];
  /** (last − first) / first, or null without both. */
  change: number | null;
  met: boolean | null;
}

const holds = (figure: Figure, first: number, last: number): boolean => {
  if (figure.primary.higherIsBetter) return last >= first * (1 - growthToleranceFraction);
  const resolution = figure.primary.unit === 'ms' ? latencyResolutionMs : 0;
  return last <= first * (1 + growthToleranceFraction) + resolution;
};

export const expectationText: Record<GrowthExpectation, string> = {
  constant: 'must not slow down as the log grows',
  linear: 'grows linearly with the log (its rate holds)',
};

export const growthLines = (figures: readonly Figure[], populations: readonly PopulationResult[]): GrowthLine[] =>
  figures.flatMap((figure) => {
    if (!figure.growth || populations.length < 2) return [];
    const points = populations.map((population) => ({
      events: population.events,
      value: population.figures.find((result) => result.figure === figure.id)?.value ?? null,
    }));
    const first = points[0]?.value ?? null;
    const last = points.at(-1)?.value ?? null;
    const comparable = first !== null && last !== null && first !== 0;
    return [
      {
        figure: figure.id,
        title: figure.title,
        expectation: figure.growth,
        unit: figure.primary.unit,
        points,
        change: comparable ? (last - first) / first : null,
        met: comparable ? holds(figure, first, last) : null,
      },
    ];
  });
