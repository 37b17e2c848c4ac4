import type { Config } from '../config';
import { openLedgerDatabase } from '../events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../events/adapters/sqliteEventStore';
import type { EventStore } from '../events/eventStore';
import { loadScheme } from '../ledger/schemeLoader';
import { readPublishedSchemes } from '../ledger/schemePublication';
import { createSchemeBook, type SchemeBook } from '../ledger/schemeBook';

/**
 * What a report reads: the event store and the scheme versions published in it. Opened apart from the
 * service (no projections, no scheme publication, no scheduler), so that running a report appends nothing;
 * the store is the same one `serve` opens, and SQLite lets the report read while the service writes.
 */

export interface ReportSources {
  store: EventStore;
  /** The versions published in the store, of the scheme the configured file names. */
  schemes: SchemeBook;
  close(): Promise<void>;
}

const openStore = async (
  config: Pick<Config, 'dbPath' | 'esdbConnectionString'>,
): Promise<{ store: EventStore; close(): Promise<void> }> => {
  if (config.esdbConnectionString) {
    // Loaded only when asked for, as the service does, so the default path never loads gRPC.
    const { createEsdbEventStore } = await import('../events/adapters/esdbEventStore');
    const store = createEsdbEventStore({ connectionString: config.esdbConnectionString });
    return { store, close: () => store.close() };
  }
  const db = openLedgerDatabase(config.dbPath, { mustExist: true });
  const store = createSqliteEventStore({ db });
  return {
    store,
    close: async () => {
      await store.close();
      db.close();
    },
  };
};

/**
 * The sources over a store already open, on any adapter: the versions of `schemeId` published in it. When it
 * holds none, `close` is called and the report refused.
 */
export const reportSourcesOn = async (
  { store, close }: Pick<ReportSources, 'store' | 'close'>,
  schemeId: string,
): Promise<ReportSources> => {
  const published = await readPublishedSchemes(store, schemeId);
  if (published.length === 0) {
    await close();
    throw new Error(`the ledger has published no version of scheme ${schemeId}: there is nothing to report on`);
  }
  return { store, schemes: createSchemeBook(published.map((item) => item.scheme)), close };
};

export const openReportSources = async (
  config: Pick<Config, 'dbPath' | 'esdbConnectionString' | 'schemePath'>,
): Promise<ReportSources> => {
  const schemeId = loadScheme(config.schemePath).id;
  return reportSourcesOn(await openStore(config), schemeId);
};
