import pino from 'pino';
import { clockOf, readConfig } from '../config';
import { openLedgerService, type LedgerService } from '../service';
import { claimDatabase } from './databaseClaim';

/**
 * Opens the configured ledger for one operator command and closes it whatever happens. It reads the
 * scheme versions already published rather than publishing the scheme file: a command on an existing
 * ledger never publishes as a side effect. A command that reads only the store leaves the projections alone
 * (followProjections: false), so that it does not start catching them up as a side effect either. A command that
 * folds the projections itself (`claimAs`: rebuild, tick) claims the database first, as `serve` does (databaseClaim.ts).
 */
export const withLedger = async <T>(
  use: (service: LedgerService) => Promise<T>,
  {
    logLevel,
    followProjections = true,
    claimAs,
  }: { logLevel?: string; followProjections?: boolean; claimAs?: string } = {},
): Promise<T> => {
  const config = readConfig();
  const claim = claimAs === undefined ? undefined : claimDatabase(config.dbPath, claimAs);
  try {
    const service = await openLedgerService({
      ...config,
      publishScheme: false,
      createDatabase: false,
      followProjections,
      clock: clockOf(config),
      // To stderr: a command's stdout is its answer (a checkpoint, a verdict), which a log line would spoil.
      logger: pino({ level: logLevel ?? config.logLevel }, pino.destination(2)),
    });
    try {
      return await use(service);
    } finally {
      await service.close();
    }
  } finally {
    claim?.release();
  }
};
