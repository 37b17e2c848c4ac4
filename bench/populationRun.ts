import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { issueCredentials } from './credentials';
import { copyDatabase } from './databaseFiles';
import { evaluateFigure, failedFigure, type FigureResult } from './figureResult';
import type { Figure, PopulationContext, Prerequisite } from './figures/figure';
import { runLedger } from './ledgerCli';
import { countLog, describeCounts } from './logCounts';
import type { ModeSettings } from './modes';
import type { CitySize } from './population';
import { figureLine } from './resultsTable';
import { step } from './stepLog';

/**
 * Every selected figure on one population, on a copy of it in a scratch directory that is removed afterwards,
 * whatever happens. A figure that fails is reported as failed and the next one runs.
 */

export interface PopulationSource {
  /** The seed arguments, or undefined for a database the operator supplied (`--population-db`). */
  city?: CitySize;
  dbPath: string;
}

export interface PopulationResult {
  city: CitySize | null;
  events: number;
  subjects: number;
  residents: number;
  figures: FigureResult[];
}

/** How the bench brings a population to what a figure needs, when no figure before it has. */
const establish: Record<Prerequisite, (dbPath: string) => Promise<unknown>> = {
  projectionsBuilt: (dbPath) => runLedger(dbPath, ['rebuild']),
  checkpointIssued: (dbPath) => runLedger(dbPath, ['checkpoint']),
};

const measureFigure = async (
  figure: Figure,
  context: PopulationContext,
  established: Set<Prerequisite>,
): Promise<FigureResult> => {
  try {
    for (const prerequisite of figure.prerequisites.filter((needed) => !established.has(needed))) {
      step(`  preparing (not timed): ${prerequisite}`);
      await establish[prerequisite](context.dbPath);
      established.add(prerequisite);
    }
    const measurement = await figure.measure(context);
    for (const prerequisite of figure.establishes ?? []) established.add(prerequisite);
    return evaluateFigure(figure, measurement);
  } catch (error) {
    return failedFigure(figure, error);
  }
};

export const measurePopulation = async (
  settings: ModeSettings,
  source: PopulationSource,
  figures: readonly Figure[],
  scratchDirectory: string,
): Promise<PopulationResult> => {
  mkdirSync(scratchDirectory, { recursive: true });
  try {
    const dbPath = join(scratchDirectory, 'population.db');
    step(`copying ${source.dbPath} to work on`);
    copyDatabase(source.dbPath, dbPath);
    const population = countLog(dbPath);
    step(`population: ${describeCounts(population)}`);
    const context: PopulationContext = {
      settings,
      dbPath,
      population,
      credentials: await issueCredentials(dbPath),
      scratchDirectory,
    };
    const established = new Set<Prerequisite>();
    const results: FigureResult[] = [];
    for (const figure of figures) {
      step(`${figure.title}, ${describeCounts(population)}`);
      const result = await measureFigure(figure, context, established);
      step(`  ${figureLine(result)}`);
      results.push(result);
    }
    return { city: source.city ?? null, ...population, figures: results };
  } finally {
    rmSync(scratchDirectory, { recursive: true, force: true });
  }
};
