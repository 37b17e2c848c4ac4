import pino from 'pino';
import { clockOf, readConfig } from '../config';
import { openLedgerService, type LedgerService } from '../service';

/**
 * Opens the configured ledger for one operator command and closes it whatever happens. It reads the
 * scheme versions already published rather than publishing the scheme file: a command on an existing
 * ledger never publishes as a side effect.
 */
export const withLedger = async <T>(use: (service: LedgerService) => Promise<T>, logLevel?: string): Promise<T> => {
  const config = readConfig();
  const service = await openLedgerService({
    ...config,
    publishScheme: false,
    clock: clockOf(config),
    logger: pino({ level: logLevel ?? config.logLevel }),
  });
  try {
    return await use(service);
  } finally {
    await service.close();
  }
};
