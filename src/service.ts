import type { Express, Request } from 'express';
import type { Logger } from 'pino';
import { openLedgerDatabase, type Database } from './events/adapters/sqliteDatabase';
import { createSqliteEventStore } from './events/adapters/sqliteEventStore';
import type { EventStore } from './events/eventStore';
import { withEventValidation } from './events/validatingEventStore';
import { createIdempotencyRecords } from './api/idempotencyRecords';
import { createApp } from './api/app';
import { createLedger, type Ledger } from './ledger/ledger';
import { loadScheme } from './ledger/schemeLoader';
import { publishScheme } from './ledger/schemePublication';
import type { SchemeBook } from './ledger/schemeBook';
import { createSubjectDirectory, type SubjectDirectory } from './ledger/subjectDirectory';
import { createHistoryProjection } from './projections/historyProjection';
import { createProjectionRunner, type ProjectionRunner } from './projections/runner';
import { createScoreProjection } from './projections/scoreProjection';
import { schemaRegistry } from './schemaRegistry';

/**
 * The composition root: opens the SQLite file (read models, directory, idempotency records, and the
 * events unless EventStoreDB holds them), publishes the scheme, starts the projections and builds the app.
 */

export const systemActor = 'system';

export interface LedgerServiceOptions {
  dbPath: string;
  schemePath: string;
  /** Events go to EventStoreDB when set; the SQLite file still holds the read models. */
  esdbConnectionString?: string;
  clock?: () => Date;
  logger: Logger;
  /** The projections failed: the default logs it; `serve` also exits rather than serve stale reads. */
  onProjectionFailure?: (error: unknown) => void;
}

export interface LedgerService {
  app: Express;
  ledger: Ledger;
  store: EventStore;
  db: Database;
  runner: ProjectionRunner;
  schemes: SchemeBook;
  directory: SubjectDirectory;
  close(): Promise<void>;
}

const openEventStore = async (options: LedgerServiceOptions, db: Database, clock: () => Date): Promise<EventStore> => {
  if (!options.esdbConnectionString) return createSqliteEventStore({ db, clock });
  // Loaded only when asked for, so the default path never loads gRPC.
  const { createEsdbEventStore } = await import('./events/adapters/esdbEventStore');
  return createEsdbEventStore({ connectionString: options.esdbConnectionString });
};

export const openLedgerService = async (options: LedgerServiceOptions): Promise<LedgerService> => {
  const clock = options.clock ?? (() => new Date());
  const { logger } = options;
  const scheme = loadScheme(options.schemePath);
  const db = openLedgerDatabase(options.dbPath);
  const schemas = schemaRegistry();
  const store = withEventValidation(await openEventStore(options, db, clock), schemas);
  const schemes = await publishScheme(store, scheme, clock(), systemActor);
  const scores = createScoreProjection(db);
  const history = createHistoryProjection(db);
  const runner = createProjectionRunner({
    store,
    db,
    projections: [scores, history],
    onFailure: options.onProjectionFailure ?? ((error) => logger.error({ err: error }, 'projections stopped')),
  });
  runner.start();
  const ledger = createLedger({ store, schemes, clock });
  const directory = createSubjectDirectory(db);
  const app = createApp({
    ledger,
    scores,
    history,
    directory,
    runner,
    schemes,
    schemas,
    idempotencyRecords: createIdempotencyRecords(db),
    clock,
    version: scheme.version,
    onUnexpectedError: (error: unknown, req: Request) => logger.error({ err: error, path: req.path }, 'request failed'),
  });
  return {
    app,
    ledger,
    store,
    db,
    runner,
    schemes,
    directory,
    async close() {
      await runner.stop();
      await store.close();
      db.close();
    },
  };
};
