import { readConfig } from '../../config';
import { bulkSettingsFrom, exportCommand, importCommand, seedCommand, wholeNumber } from '../bulkCommands';
import type { Command } from 'commander';

/**
 * `seed`, `export` and `import`: bulk work on the store, without starting the projections.
 */

export const registerBulk = (program: Command): void => {
  program
    .command('seed')
    .description(
      "write a synthetic city through the ledger's own rules: residents, organisations and years of entries, " +
        'approvals, objections and listings; deterministic for a seed, and a rerun writes nothing new',
    )
    .option('--residents <n>', 'residents (persons of age)', wholeNumber(0), 740_000)
    .option('--organisations <n>', 'organisations', wholeNumber(0), 3_000)
    .option('--years <n>', 'years of history before now', wholeNumber(1), 5)
    .option('--seed <seed>', 'the seed: the same seed, sizes and day give the same city', '1')
    .option('--as-of <date>', "the day the history ends, at its start: to resume an earlier day's seed (default today)")
    .action(
      async (options: { residents: number; organisations: number; years: number; seed: string; asOf?: string }) => {
        await seedCommand(options, bulkSettingsFrom(readConfig()));
      },
    );

  program
    .command('export <file>')
    .description('write the whole log as JSON Lines, one event a line, to a file or to stdout (-)')
    .action(async (file: string) => {
      await exportCommand(file, bulkSettingsFrom(readConfig()));
    });

  program
    .command('import <file>')
    .description('append the events of an export at their revisions; a rerun or a resumed import writes nothing twice')
    .action(async (file: string) => {
      await importCommand(file, bulkSettingsFrom(readConfig()));
    });
};
