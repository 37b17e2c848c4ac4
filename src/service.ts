import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Express, Request } from 'express';
import { createApiKeys, type ApiKeys } from './api/auth/apiKeys';
import { authenticate } from './api/auth/authenticate';
import { localApiKeyPepper, localCheckpointKeys, localSigningKeys } from './api/auth/localSecrets';
import { createCheckpointRecords } from './events/integrity/checkpointRecords';
import type { SignedCheckpoint } from './events/integrity/checkpoint';
import { issueCheckpointFrom } from './events/integrity/logAudit';
import { checkpointWhenDue } from './events/integrity/checkpointSweep';
import { createTokenVerifier, mintToken, type TokenRequest, type TokenVerifier } from './api/auth/tokens';
import type { Logger } from 'pino';
import { openLedgerDatabase, type Database } from './events/adapters/sqliteDatabase';
import { createSqliteEventStore } from './events/adapters/sqliteEventStore';
import type { EventStore } from './events/eventStore';
import { withEventValidation } from './events/validatingEventStore';
import { createIdempotencyRecords, forgetIdempotencyRecords } from './api/idempotencyRecords';
import { createApp } from './api/app';
import { createLedger, type Ledger } from './ledger/ledger';
import { loadScheme } from './ledger/schemeLoader';
import { publishScheme, readPublishedSchemes } from './ledger/schemePublication';
import { createSchemeBook, type SchemeBook } from './ledger/schemeBook';
import { createSubjectDirectory, type SubjectDirectory } from './ledger/subjectDirectory';
import { createProjectionRunner, type ProjectionRunner } from './projections/runner';
import { createReadModels } from './projections/readModels';
import { createAccessRecorder, type AccessRecorder } from './api/accessRecorder';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { calendarCoverage, registerCalendarMetrics } from './ledger/calendarCoverage';
import { defaultCalendarPath, loadCalendar } from './ledger/calendarLoader';
import { createListings } from './ledger/listings';
import { expireDueEntries } from './ledger/expirySweep';
import { createScheduler, type Scheduler } from './ledger/scheduler';
import { createObjections } from './ledger/objections';
import { createObjectionDeadlines, missedObjectionDeadlines } from './ledger/objectionDeadlines';
import { registerListingMetrics } from './projections/listingMetrics';
import { schemaRegistry } from './schemaRegistry';
import type { TrustProxy } from './config';

/**
 * The composition root: opens the SQLite file (read models, directory, idempotency records, and the
 * events unless EventStoreDB holds them), publishes the scheme, starts the projections and builds the app.
 */

export const systemActor = 'system';

export interface LedgerServiceOptions {
  dbPath: string;
  schemePath: string;
  /** The working-day calendar (weekends, holidays, make-up working days); defaults to calendars/china.json. */
  calendarPath?: string;
  /** Events go to EventStoreDB when set; the SQLite file still holds the read models. */
  esdbConnectionString?: string;
  /** An event store already open, used instead of the two above (tests run the service on other adapters). */
  eventStore?: EventStore;
  clock?: () => Date;
  logger: Logger;
  /** The projections failed: the default logs it; `serve` also exits rather than serve stale reads. */
  onProjectionFailure?: (error: unknown) => void;
  /** An identity provider's PEM public key; without it the ledger verifies (and mints) with its own key. */
  jwtPublicKeyFile?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  apiKeyPepper?: Buffer;
  rateLimitPerMinute?: number;
  failedAuthenticationsPerMinute?: number;
  /** False for a command on an existing ledger: a path with no database there is refused instead of created. */
  createDatabase?: boolean;
  /** Public inclusion and consistency proofs a minute per client address. */
  proofsPerMinute?: number;
  /** The proxies whose X-Forwarded-For names the client (LEDGER_TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy;
  /** Hours between scheduled checkpoints. */
  checkpointHours?: number;
  /** Days an idempotency key's first response is kept to be returned again (default 7). */
  idempotencyDays?: number;
  /**
   * Publish the scheme file (the default, for `serve`), or only read the versions already published: the
   * operator's commands on an existing ledger never publish a scheme as a side effect.
   */
  publishScheme?: boolean;
  /**
   * Follow the log with the projections (the default). The audit commands (verify, checkpoint, replay) read the
   * store alone and leave the projections where they are.
   */
  followProjections?: boolean;
}

const publishedSchemeBook = async (store: EventStore, schemeId: string): Promise<SchemeBook> => {
  const published = await readPublishedSchemes(store, schemeId);
  if (published.length === 0)
    throw new Error(`no version of scheme ${schemeId} is published in this ledger yet: start it with serve first`);
  return createSchemeBook(published.map((item) => item.scheme));
};

/** Reads of others' records are written in batches of at most this many, or after this long. */
const accessRecordsPerBatch = 100;
const accessFlushIntervalMs = 1_000;

/** Minting is possible only with the ledger's own key, not when an identity provider signs the tokens. */
export type TokenMinter = (request: TokenRequest) => Promise<string>;

export interface LedgerService {
  app: Express;
  ledger: Ledger;
  store: EventStore;
  db: Database;
  runner: ProjectionRunner;
  schemes: SchemeBook;
  directory: SubjectDirectory;
  apiKeys: ApiKeys;
  mintToken?: TokenMinter;
  /** Signs a checkpoint of the whole log now, and keeps it. */
  issueCheckpoint(): Promise<SignedCheckpoint>;
  latestCheckpoint(): SignedCheckpoint | undefined;
  checkpointPublicKey: KeyObject;
  /** Turns due deadlines into events; `serve` runs it on an interval, `ledger tick` once. */
  scheduler: Scheduler;
  /** The access log's writer: a read of a subject's record outside the API (the operator's replay) records itself. */
  recorder: AccessRecorder;
  close(): Promise<void>;
}

const openAuthentication = (
  options: Pick<LedgerServiceOptions, 'jwtPublicKeyFile' | 'jwtIssuer' | 'jwtAudience' | 'apiKeyPepper'>,
  db: Database,
  clock: () => Date,
): { apiKeys: ApiKeys; verifyToken: TokenVerifier; mintToken?: TokenMinter } => {
  const settings = {
    issuer: options.jwtIssuer ?? 'credit-ledger',
    audience: options.jwtAudience ?? 'credit-ledger-api',
  };
  const apiKeys = createApiKeys(db, options.apiKeyPepper ?? localApiKeyPepper(db, clock()));
  if (options.jwtPublicKeyFile) {
    const publicKey = createPublicKey(readFileSync(options.jwtPublicKeyFile, 'utf8'));
    return { apiKeys, verifyToken: createTokenVerifier(publicKey, settings, clock) };
  }
  const { privateKey, publicKey } = localSigningKeys(db, clock());
  const mint: TokenMinter = (request) => mintToken(privateKey, settings, request, clock());
  return { apiKeys, verifyToken: createTokenVerifier(publicKey, settings, clock), mintToken: mint };
};

const openEventStore = async (options: LedgerServiceOptions, db: Database, clock: () => Date): Promise<EventStore> => {
  if (options.eventStore) return options.eventStore;
  if (!options.esdbConnectionString) return createSqliteEventStore({ db, clock });
  // Loaded only when asked for, so the default path never loads gRPC.
  const { createEsdbEventStore } = await import('./events/adapters/esdbEventStore');
  return createEsdbEventStore({ connectionString: options.esdbConnectionString, clock });
};

/** Only the credentials (API keys, token minting) of a ledger database: for the operator's CLI. */
export const openCredentials = (
  options: Pick<
    LedgerServiceOptions,
    'dbPath' | 'clock' | 'jwtPublicKeyFile' | 'jwtIssuer' | 'jwtAudience' | 'apiKeyPepper'
  >,
) => {
  const clock = options.clock ?? (() => new Date());
  const db = openLedgerDatabase(options.dbPath, { mustExist: true });
  const { apiKeys, mintToken } = openAuthentication(options, db, clock);
  return { apiKeys, mintToken, clock, close: () => db.close() };
};

export const openLedgerService = async (options: LedgerServiceOptions): Promise<LedgerService> => {
  const clock = options.clock ?? (() => new Date());
  const { logger } = options;
  const scheme = loadScheme(options.schemePath);
  const calendar = loadCalendar(options.calendarPath ?? defaultCalendarPath());
  const coverage = calendarCoverage(calendar, clock());
  if (coverage.warning) logger.warn({ calendar: coverage }, coverage.warning);
  const db = openLedgerDatabase(options.dbPath, { mustExist: options.createDatabase === false });
  const schemas = schemaRegistry();
  const store = withEventValidation(await openEventStore(options, db, clock), schemas);
  const schemes =
    options.publishScheme === false
      ? await publishedSchemeBook(store, scheme.id)
      : await publishScheme(store, scheme, clock(), systemActor);
  // The history is folded from the subject's stream when read (projections/history.ts); a database from before
  // that still holds the table the history projection kept, which only takes space now.
  db.exec('DROP TABLE IF EXISTS history_items; DROP TABLE IF EXISTS history_entries;');
  const { scores, accessLog, listingsView, approvals, objectionsView, projections } = createReadModels(db, {
    schemes,
    calendar,
  });
  const runner = createProjectionRunner({
    store,
    db,
    projections,
    onFailure: options.onProjectionFailure ?? ((error) => logger.error({ err: error }, 'projections stopped')),
  });
  if (options.followProjections !== false) runner.start();
  const ledger = createLedger({ store, schemes, clock });
  const directory = createSubjectDirectory(db);
  const authentication = openAuthentication(options, db, clock);
  const recorder = createAccessRecorder({
    store,
    clock,
    batchSizeMax: accessRecordsPerBatch,
    flushIntervalMs: accessFlushIntervalMs,
    onFailure: (error) => logger.error({ err: error }, 'access records not yet written; retrying'),
  });
  const checkpoints = createCheckpointRecords(db);
  const checkpointKeys = localCheckpointKeys(db, clock());
  const signCheckpointNow = async (): Promise<SignedCheckpoint> => {
    const previous = checkpoints.latestFrontier();
    const { checkpoint, frontier } = await issueCheckpointFrom(store, checkpointKeys.privateKey, clock(), previous);
    checkpoints.save(checkpoint, frontier);
    return checkpoint;
  };
  const metrics = new Registry();
  // The process's own figures (resident memory, heap, event-loop lag, GC), for operators and the benchmarks.
  collectDefaultMetrics({ register: metrics });
  registerListingMetrics(metrics, listingsView, clock);
  registerCalendarMetrics(metrics, calendar, clock);
  const objections = createObjections({ store, ledger, schemes, calendar, clock });
  const idempotencyRecords = createIdempotencyRecords(db);
  const app = createApp({
    store,
    objections,
    objectionsView,
    listings: createListings({ store, schemes, calendar, clock }),
    listingsView,
    approvals,
    disputes: objectionsView,
    metrics,
    checkpoints,
    issueCheckpoint: signCheckpointNow,
    checkpointPublicKey: checkpointKeys.publicKey,
    calendarCoverage: () => calendarCoverage(calendar, clock()),
    authenticate: authenticate(authentication.verifyToken, authentication.apiKeys),
    ledger,
    scores,
    directory,
    runner,
    schemes,
    schemas,
    idempotencyRecords,
    accessLog,
    recorder,
    rateLimits: {
      perPrincipalPerMinute: options.rateLimitPerMinute ?? 600,
      failedAuthenticationsPerMinute: options.failedAuthenticationsPerMinute ?? 20,
      proofsPerMinute: options.proofsPerMinute ?? 30,
    },
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    clock,
    version: scheme.version,
    onUnexpectedError: (error: unknown, req: Request) => logger.error({ err: error, path: req.path }, 'request failed'),
  });
  const scheduler = createScheduler(
    {
      'entries expired': expireDueEntries(ledger, scores),
      'objections reversed for a missed deadline': missedObjectionDeadlines(
        createObjectionDeadlines({ objections, objectionsView }),
      ),
      'checkpoints signed': checkpointWhenDue(
        checkpoints,
        signCheckpointNow,
        (options.checkpointHours ?? 24) * 3_600_000,
      ),
      'idempotency records forgotten': forgetIdempotencyRecords(
        idempotencyRecords,
        (options.idempotencyDays ?? 7) * 86_400_000,
      ),
    },
    clock,
    (error) => logger.error({ err: error }, 'a scheduled deadline failed; it is retried at the next tick'),
  );
  return {
    app,
    ledger,
    scheduler,
    recorder,
    issueCheckpoint: signCheckpointNow,
    latestCheckpoint: () => checkpoints.latest(),
    checkpointPublicKey: checkpointKeys.publicKey,
    store,
    db,
    runner,
    schemes,
    directory,
    apiKeys: authentication.apiKeys,
    ...(authentication.mintToken ? { mintToken: authentication.mintToken } : {}),
    /** Writes every pending access record, then stops the projections and closes the store. */
    async close() {
      await scheduler.stop();
      await recorder.close();
      await runner.stop();
      await store.close();
      db.close();
    },
  };
};
