import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseBenchOptions } from './benchOptions';
import { writeResults, type BenchResults } from './benchResults';
import { killAllChildrenNow, stopAllChildren } from './childProcesses';
import { allFigures } from './figures';
import { growthLines, growthToleranceFraction } from './growth';
import { describeMachine, machineLine } from './machine';
import { cityLabel, seededCity } from './population';
import { measurePopulation, type PopulationResult, type PopulationSource } from './populationRun';
import { writeReadmeTable } from './readmeTable';
import { resultsMarkdown } from './resultsTable';
import { latencyResolutionMs, spreadRefusalThreshold } from './stats';
import { step } from './stepLog';

/**
 * `npm run bench`: builds, then measures every figure of issue #6 on each population, smallest first, each
 * against its baseline in the same run; writes bench/results/<date>.json, prints the table, and (a full run of
 * every figure only) writes the table into the README. Child processes and scratch files are cleaned up on
 * success, on failure and on Ctrl-C.
 */

const main = async (): Promise<void> => {
  // Progress is best effort: a closed stderr (`… 2>&1 | head`) must not stop the bench before it cleans up.
  process.stderr.on('error', () => undefined);
  const { settings, only, populationDb } = parseBenchOptions(process.argv);
  const figures = only ? allFigures.filter((figure) => only.includes(figure.id)) : allFigures;
  const machine = describeMachine();
  const startedAt = new Date();
  step(`${settings.mode} run: ${figures.map((figure) => figure.id).join(', ')}; ${machineLine(machine)}`);
  const scratchRoot = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const cleanUp = async (): Promise<void> => {
    await stopAllChildren();
    rmSync(scratchRoot, { recursive: true, force: true });
  };
  const interrupted = (signal: NodeJS.Signals): void => {
    step(`${signal}: stopping every process the bench started`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  // Whatever ends the process (an uncaught error included), nothing it started outlives it.
  process.once('exit', () => {
    killAllChildrenNow();
    rmSync(scratchRoot, { recursive: true, force: true });
  });
  try {
    const populations: PopulationResult[] = [];
    for (const [index, city] of settings.cities.entries()) {
      const supplied = populationDb !== undefined && index === settings.cities.length - 1;
      step(`population ${index + 1}/${settings.cities.length}: ${supplied ? populationDb : cityLabel(city)}`);
      const source: PopulationSource = supplied
        ? { dbPath: resolve(populationDb) }
        : { city, dbPath: await seededCity(city) };
      populations.push(
        await measurePopulation(settings, source, figures, join(scratchRoot, `population-${index + 1}`)),
      );
    }
    const finishedAt = new Date();
    const { mode, ...runSettings } = settings;
    const results: BenchResults = {
      date: startedAt.toISOString().slice(0, 10),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      mode,
      settings: runSettings,
      only: only ?? null,
      populationDatabaseSupplied: populationDb !== undefined,
      thresholds: {
        spreadRefusal: spreadRefusalThreshold,
        latencyResolutionMs,
        growthTolerance: growthToleranceFraction,
      },
      machine,
      populations,
      growth: growthLines(figures, populations),
    };
    step(`results written to ${writeResults(results)}`);
    const markdown = resultsMarkdown(results);
    if (mode === 'full' && !only) {
      writeReadmeTable(markdown);
      step('README.md table updated');
    }
    process.stdout.write(`\n${markdown}\n`);
  } finally {
    await cleanUp();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
