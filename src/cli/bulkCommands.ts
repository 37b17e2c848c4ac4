import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { InvalidArgumentError } from 'commander';
import { clockOf, type Config } from '../config';
import { loadCalendar } from '../ledger/calendarLoader';
import { loadScheme } from '../ledger/schemeLoader';
import { publishScheme } from '../ledger/schemePublication';
import { schemaRegistry } from '../schemaRegistry';
import { systemActor } from '../service';
import { openBulkStore, type BulkStore } from './bulkStore';
import { exportLog, type ExportSummary } from './exportLog';
import { importLog, type ImportSummary } from './importLog';
import { count, elapsed, progressBar, type TerminalStream } from './progress';
import { seedCity, type SeedSummary } from './seedCity';

/**
 * The bulk commands of the operator's CLI (`seed`, `export`, `import`) as functions, so that main.ts only wires
 * options to them and tests run them in process. Each opens the configured store alone (bulkStore.ts), shows a
 * progress bar on stderr when it is a terminal, and ends with a one-line summary on stderr: stdout carries
 * nothing but the exported log, so that `ledger export - | gzip` works.
 */

export interface BulkCommandSettings extends Pick<
  Config,
  'dbPath' | 'esdbConnectionString' | 'schemePath' | 'calendarPath'
> {
  clock: () => Date;
  stderr: TerminalStream;
}

export const bulkSettingsFrom = (config: Config): BulkCommandSettings => ({
  dbPath: config.dbPath,
  ...(config.esdbConnectionString ? { esdbConnectionString: config.esdbConnectionString } : {}),
  schemePath: config.schemePath,
  calendarPath: config.calendarPath,
  clock: clockOf(config),
  stderr: process.stderr,
});

/** A commander option parser for a whole number of at least `min`. */
export const wholeNumber =
  (min: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`must be a whole number from ${min}`);
    }
    return value;
  };

const withBulkStore = async <T>(
  settings: BulkCommandSettings & { mustExist?: boolean },
  use: (bulk: BulkStore) => Promise<T>,
): Promise<T> => {
  const bulk = await openBulkStore(settings);
  try {
    return await use(bulk);
  } finally {
    await bulk.close();
  }
};

export interface SeedCommandOptions {
  residents: number;
  organisations: number;
  years: number;
  seed: string;
  /** The day the city's history ends (at its start); today by default. */
  asOf?: string;
}

export const seedCommand = (options: SeedCommandOptions, settings: BulkCommandSettings): Promise<SeedSummary> =>
  withBulkStore(settings, async ({ store, inOneCommit }) => {
    const { clock, stderr } = settings;
    const schemes = await publishScheme(store, loadScheme(settings.schemePath), clock(), systemActor);
    const calendar = loadCalendar(settings.calendarPath);
    const total = options.residents + options.organisations;
    const bar = progressBar(
      stderr,
      'seeding   {bar} {percentage}% | {value}/{total} subjects | {events} events | ETA {eta_formatted}',
      total,
      { events: '0' },
    );
    const startedAt = performance.now();
    let summary: SeedSummary;
    try {
      summary = await seedCity({
        ...options,
        store,
        schemes,
        calendar,
        clock,
        inOneCommit,
        onProgress: ({ subjectsDone, eventsWritten }) => bar.update(subjectsDone, { events: count(eventsWritten) }),
      });
    } finally {
      bar.stop();
    }
    const refused = Object.entries(summary.refusals).map(([code, times]) => `${code} ${count(times)}`);
    stderr.write(
      `seeded ${count(options.residents)} residents and ${count(options.organisations)} organisations ` +
        `(seed ${options.seed}, ${options.years} years to ${summary.asOf}): ${count(summary.eventsWritten)} events written, ` +
        `${count(summary.eventsAlreadyStored)} already stored; refused by the rules: ${refused.join(', ') || 'none'}; ` +
        `${elapsed(summary.eventsWritten + summary.eventsAlreadyStored, startedAt, performance.now())}\n`,
    );
    return summary;
  });

/** Writes the log to `file`, or to `stdout` for `-`. A file is written beside itself and renamed when complete. */
export const exportCommand = (
  file: string,
  settings: BulkCommandSettings,
  stdout: Writable = process.stdout,
): Promise<ExportSummary> =>
  withBulkStore({ ...settings, mustExist: true }, async ({ store }) => {
    const { stderr } = settings;
    const partial = `${file}.partial`;
    const output = file === '-' ? stdout : createWriteStream(partial);
    const bar = progressBar(stderr, 'exporting | {value} events | {duration_formatted}', 0);
    const startedAt = performance.now();
    let summary: ExportSummary;
    try {
      summary = await exportLog({ store, output, onProgress: (events) => bar.update(events) });
      if (output !== stdout) {
        output.end();
        await finished(output);
        renameSync(partial, file);
      }
    } catch (error) {
      if (output !== stdout) {
        output.destroy();
        rmSync(partial, { force: true });
      }
      throw error;
    } finally {
      bar.stop();
    }
    stderr.write(
      `exported ${count(summary.events)} events up to position ${summary.lastPosition} ` +
        `to ${file === '-' ? 'stdout' : file}; ${elapsed(summary.events, startedAt, performance.now())}\n`,
    );
    return summary;
  });

export const importCommand = async (file: string, settings: BulkCommandSettings): Promise<ImportSummary> => {
  // Before the store is opened, which would create its database for a file that is not there.
  const { size } = statSync(file);
  return withBulkStore(settings, async ({ store, inOneCommit, startCommitWorker }) => {
    const { stderr } = settings;
    const bar = progressBar(stderr, 'importing {bar} {percentage}% | {lines} lines | ETA {eta_formatted}', size, {
      lines: '0',
    });
    const startedAt = performance.now();
    const commitWorker = startCommitWorker?.();
    let summary: ImportSummary;
    try {
      summary = await importLog({
        store,
        input: createReadStream(file),
        schemas: schemaRegistry(),
        inOneCommit,
        commitWorker,
        onProgress: ({ lines, bytes }) => bar.update(bytes, { lines: count(lines) }),
      });
    } finally {
      bar.stop();
      await commitWorker?.stop();
    }
    stderr.write(
      `imported ${count(summary.lines)} lines from ${file}: ${count(summary.eventsWritten)} events written, ` +
        `${count(summary.eventsAlreadyStored)} already stored; ` +
        `${elapsed(summary.eventsWritten + summary.eventsAlreadyStored, startedAt, performance.now())}\n`,
    );
    return summary;
  });
};
