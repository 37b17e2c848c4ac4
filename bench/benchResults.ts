import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FigureId } from './figures/figure';
import type { GrowthLine } from './growth';
import type { Machine } from './machine';
import type { Mode, ModeSettings } from './modes';
import { repositoryRoot, resultsDirectory } from './paths';
import type { PopulationResult } from './populationRun';

/**
 * A run's results as a JSON file, bench/results/<YYYY-MM-DD>.json: `-quick` for a quick run, `-partial` for a run
 * of some figures only (`--only`), so that neither replaces a full run's file of the same day.
 */

export interface BenchResults {
  date: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  mode: Mode;
  settings: Omit<ModeSettings, 'mode'>;
  /** The figures run, when `--only` chose some; null for all. */
  only: FigureId[] | null;
  /** Whether the largest population was a database the operator supplied (`--population-db`). */
  populationDatabaseSupplied: boolean;
  thresholds: { spreadRefusal: number; latencyResolutionMs: number; growthTolerance: number };
  machine: Machine;
  populations: PopulationResult[];
  growth: GrowthLine[];
}

/** Writes the file and returns its path relative to the repository. */
export const writeResults = (results: BenchResults): string => {
  const suffix = `${results.mode === 'quick' ? '-quick' : ''}${results.only ? '-partial' : ''}`;
  mkdirSync(resultsDirectory, { recursive: true });
  const path = join(resultsDirectory, `${results.date}${suffix}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return relative(repositoryRoot, path);
};
