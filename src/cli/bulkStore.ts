import { startCommitWorker, type CommitWorker } from '../events/adapters/sqliteCommitWorker';
import { openLedgerDatabase } from '../events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../events/adapters/sqliteEventStore';
import type { EventStore } from '../events/eventStore';
import { withEventValidation } from '../events/validatingEventStore';
import { schemaRegistry } from '../schemaRegistry';

/**
 * The event store alone, for the operator's bulk commands (seed, import, export): no projections, scheduler,
 * access recorder or HTTP app, which would only slow millions of appends down. The projections catch up
 * when `serve` or `rebuild` next runs. Appends go through the same schema validation as the service's.
 *
 * `inOneCommit` groups many appends into one durable commit where the adapter allows it. On SQLite each
 * append is its own transaction, flushed to disk (synchronous=FULL): about 7,000 commits a second at best
 * (reference/performance.md §2), which would make a city of 740,000 subjects a matter of many minutes of
 * flushing alone. So the group runs inside one outer transaction, where each append becomes a savepoint
 * (better-sqlite3 nests transactions that way) and keeps its own checks. The group commits or rolls back
 * whole: after a failure or an interruption, nothing of it is stored and a rerun writes it again. Other
 * adapters (EventStoreDB) have no transaction across streams: each append stands alone there.
 *
 * While a group is open it holds SQLite's write lock: a service running on the same file waits for it
 * (up to its busy timeout), so groups are kept to about a thousand events.
 *
 * On SQLite the import also commits on a second core (sqliteCommitWorker.ts): startCommitWorker gives it a worker
 * thread, to be stopped when the import ends.
 */

export interface BulkStoreOptions {
  dbPath: string;
  /** For a command on an existing ledger (export): a path with no database there is refused instead of created. */
  mustExist?: boolean;
  /** Events go to EventStoreDB when set, as for the service. */
  esdbConnectionString?: string;
  clock: () => Date;
}

export interface BulkStore {
  store: EventStore;
  inOneCommit<T>(work: () => Promise<T>): Promise<T>;
  /** Where the store is a SQLite file: a worker thread committing groups of appends (the import's). */
  startCommitWorker?: () => CommitWorker;
  close(): Promise<void>;
}

export const openBulkStore = async (options: BulkStoreOptions): Promise<BulkStore> => {
  const schemas = schemaRegistry();
  if (options.esdbConnectionString) {
    // Loaded only when asked for, as in service.ts, so the default path never loads gRPC.
    const { createEsdbEventStore } = await import('../events/adapters/esdbEventStore');
    const store = withEventValidation(
      createEsdbEventStore({ connectionString: options.esdbConnectionString, clock: options.clock }),
      schemas,
    );
    return { store, inOneCommit: (work) => work(), close: () => store.close() };
  }
  const db = openLedgerDatabase(options.dbPath, { mustExist: options.mustExist === true });
  const store = withEventValidation(createSqliteEventStore({ db, clock: options.clock }), schemas);
  return {
    store,
    ...(db.memory ? {} : { startCommitWorker: () => startCommitWorker(db, options.clock) }),
    async inOneCommit(work) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      await store.close();
      db.close();
    },
  };
};
