import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { runBenchScript } from '../benchScript';
import { removeDatabase } from '../databaseFiles';
import { formatCount, formatQuantity } from '../format';
import { ratioAtLeast } from '../goals';
import { runLedger } from '../ledgerCli';
import { exportLogPrefix } from '../logExport';
import { summarise } from '../stats';
import { step } from '../stepLog';
import { alternate } from './alternate';
import { metrics, type Figure } from './figure';

/**
 * Bulk import: `ledger import <file>` of the start of the population's export into a fresh database, timed from
 * spawn to exit, against a bare better-sqlite3 loop inserting the same lines (baselines/importLoop.ts). A fixed
 * number of events (ModeSettings.importPrefixEvents) keeps the run bounded at every population size.
 */

const importedEvents = /([\d,]+) events written/;

export const bulkImport: Figure = {
  id: 'bulkImport',
  title: 'bulk import',
  primary: { metric: metrics.eventsPerSecond, unit: 'events/s', higherIsBetter: true },
  baselineTitle: 'bare better-sqlite3 loop, 1,000 rows a transaction',
  goals: [ratioAtLeast(0.8)],
  prerequisites: [],
  async measure({ settings, dbPath, scratchDirectory }) {
    const exportPath = join(scratchDirectory, 'export-prefix.jsonl');
    const targetPath = join(scratchDirectory, 'import-target.db');
    try {
      const events = await exportLogPrefix(dbPath, settings.importPrefixEvents, exportPath);
      step(`  exported the first ${formatCount(events)} events of the log to import`);
      const intoFreshDatabase = async (importInto: () => Promise<number>): Promise<number> => {
        removeDatabase(targetPath);
        try {
          return events / (await importInto());
        } finally {
          removeDatabase(targetPath);
        }
      };
      const outcomes = await alternate(
        settings.runs,
        {
          baseline: () =>
            intoFreshDatabase(
              async () => (await runBenchScript('baselines/importLoop.js', [exportPath, targetPath])).seconds,
            ),
          ours: () =>
            intoFreshDatabase(async () => {
              const { stderr, seconds } = await runLedger(targetPath, ['import', exportPath]);
              const written = Number(importedEvents.exec(stderr)?.[1]?.replaceAll(',', '') ?? NaN);
              if (written !== events) throw new Error(`import wrote ${written} of ${events} events: ${stderr.trim()}`);
              return seconds;
            }),
        },
        (rate) => formatQuantity(rate, 'events/s'),
      );
      return {
        ours: { [metrics.eventsPerSecond]: summarise(outcomes.ours) },
        baseline: { [metrics.eventsPerSecond]: summarise(outcomes.baseline) },
        notes: [
          `the first ${formatCount(events)} events of the export, into a fresh database; timed from spawn to exit`,
        ],
      };
    } finally {
      rmSync(exportPath, { force: true });
    }
  },
};
