import {
  START,
  checkAppendBatch,
  checkExpectedRevision,
  checkMaxCount,
  checkPosition,
  positionFromNumber,
  readAllMaxCount,
  readStreamMaxCount,
  recognizeRetry,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type EventFilter,
  type FoldedEvent,
  type RecordedEvent,
  type StoredEvent,
  type StoredEventLocation,
  type StreamRevision,
} from '../eventStore';
import { chainLinks } from '../integrity/chainLinks';
import { genesisHash } from '../integrity/eventHash';
import { createPollingSubscriptions, type ReadPage } from '../pollingSubscription';
import type { Database } from './sqliteDatabase';
import {
  insertEventSql,
  saveStreamRevisionSql,
  streamHeadSql,
  streamRevisionSql,
  type InsertedEventRow,
} from './sqliteEventSql';
import { groupCommitOf } from './sqliteGroupCommit';

/**
 * The event store in a SQLite database opened by openLedgerDatabase. A position is the event's rowid, so that
 * position order is commit order (SQLite has one writer at a time). Appends are group-committed
 * (sqliteGroupCommit.ts): each is checked and written in its own savepoint, and acknowledged only once the
 * transaction of its event-loop turn is durable. The database belongs to whoever opened it: close() closes this
 * store's subscriptions only.
 */

export interface SqliteEventStoreOptions {
  db: Database;
  clock?: () => Date;
  /** How often a caught-up subscription looks for appends made through other connections. */
  pollIntervalMs?: number;
}

const defaultPollIntervalMs = 100;
/** The largest SQLite INTEGER: no revision or position is stored beyond it. */
const sqliteIntegerMax = 2n ** 63n - 1n;

/**
 * The schema, versioned in schema_versions under this component rather than in PRAGMA user_version, which is
 * one number for the whole database and the other parts of the app keep their tables in the same one.
 * Migration n takes the schema from version n to n + 1; only ever add to the end of this list.
 */
const schemaComponent = 'event_store';
const migrations: readonly string[] = [
  `CREATE TABLE events (
     position INTEGER PRIMARY KEY,
     stream_name TEXT NOT NULL,
     revision INTEGER NOT NULL,
     event_id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     metadata TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     UNIQUE (stream_name, revision)
   );
   CREATE TABLE streams (
     stream_name TEXT PRIMARY KEY,
     revision INTEGER NOT NULL
   );`,
  // The hash chain (src/events/integrity/eventHash.ts): each event's digest covers the previous one's.
  `ALTER TABLE events ADD COLUMN hash TEXT;`,
];

/**
 * An event's row, read as an array of eventColumns in their order (better-sqlite3's `raw`): better-sqlite3 makes
 * the rows of a 207-event stream in 0.30–0.40 ms that way against 0.57–0.78 ms as objects keyed by column name,
 * which takes about a fifth off reading the stream.
 */
const eventColumns = 'position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash';
type EventRow = [
  position: bigint,
  streamName: string,
  revision: bigint,
  id: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
  hash: string | null,
];

/** What a fold reads of an event's row (FoldedEvent), as an array of foldedColumns in their order. */
const foldedColumns = 'position, type, data, recorded_at';
type FoldedRow = [position: bigint, type: string, data: string, recordedAt: string];

interface ReadAllParameters {
  after: bigint;
  /** JSON arrays, or null for no filter. */
  eventTypes: string | null;
  streamPrefixes: string | null;
  limit: number;
}

export const createSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => {
  const { db } = options;
  const clock = options.clock ?? (() => new Date());
  migrate(db);
  const statements = prepareStatements(db);

  const streamRevision = (stream: string): StreamRevision | 'no_stream' =>
    statements.streamRevision.get(stream)?.revision ?? 'no_stream';

  const locateEvents = (eventIds: readonly string[]): Map<string, StoredEventLocation> =>
    new Map(
      statements.eventsById
        .all(JSON.stringify(eventIds))
        .map((row) => [
          row.event_id,
          { streamName: row.stream_name, revision: row.revision, position: positionFromNumber(row.position) },
        ]),
    );

  const insertEvents = (stream: string, events: readonly NewEvent[], firstRevision: StreamRevision): Position => {
    const recordedAt = clock();
    const previousHash = firstRevision === 0n ? genesisHash : statements.streamHead.get(stream)?.hash;
    if (!previousHash) throw new Error(`stream ${stream} ends in an event stored before the hash chain existed`);
    const links = chainLinks({ streamName: stream, events, firstRevision, previousHash, recordedAt });
    let position = START;
    links.forEach((link, index) => {
      const { lastInsertRowid } = statements.insertEvent.run(
        stream,
        link.revision,
        events[index].id,
        events[index].type,
        link.dataJson,
        link.metadataJson,
        recordedAt.toISOString(),
        link.hash,
      );
      position = positionFromNumber(lastInsertRowid);
    });
    return position;
  };

  /** A savepoint of its own, so that a batch refused half-way leaves nothing behind. */
  const insertAtExpectedRevision = db.transaction(
    (stream: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult => {
      const actual = streamRevision(stream);
      checkExpectedRevision(stream, expected, actual);
      const firstRevision = actual === 'no_stream' ? 0n : actual + 1n;
      const position = insertEvents(stream, events, firstRevision);
      const nextExpectedRevision = firstRevision + BigInt(events.length - 1);
      statements.saveStreamRevision.run(stream, nextExpectedRevision);
      return { nextExpectedRevision, position };
    },
  );

  /**
   * Inserts first and looks the ids up only when that is refused: a retry of a stored batch is refused (its ids
   * are taken, or its expected revision has passed), and is then answered as the first time. New batches, nearly
   * all of them, pay no lookup.
   */
  const append = (stream: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult => {
    try {
      return insertAtExpectedRevision(stream, events, expected);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) && !isEventIdTaken(error)) throw error;
      const eventIds = events.map((event) => event.id);
      const locations = locateEvents(eventIds);
      const retried = recognizeRetry(stream, eventIds, expected, (id) => locations.get(id));
      if (retried) return retried;
      throw error;
    }
  };
  const group = groupCommitOf(db);

  const readAllParameters = ({ after = START, maxCount, filter }: ReadAllOptions = {}): ReadAllParameters => ({
    after: rowidBound(checkPosition(after)),
    eventTypes: filter?.eventTypes ? JSON.stringify(filter.eventTypes) : null,
    streamPrefixes: filter?.streamPrefixes ? JSON.stringify(filter.streamPrefixes) : null,
    limit: checkMaxCount(maxCount, readAllMaxCount),
  });
  const readMatching = (options?: ReadAllOptions): RecordedEvent[] =>
    statements.readAll.all(readAllParameters(options)).map(toRecordedEvent);
  const readAll = async (options?: ReadAllOptions): Promise<RecordedEvent[]> => readMatching(options);

  const headPositionNow = (): Position => {
    const { position } = statements.headPosition.get() ?? { position: null };
    return position === null ? START : positionFromNumber(position);
  };

  /** Pages read in one read transaction each, so that the head a page reports is the head its filtered read saw. */
  const pagesOf = <Event extends FoldedEvent>(read: (options: ReadAllOptions) => Event[]): ReadPage<Event> => {
    const readPage = db.transaction((after: Position, maxCount: number, filter?: EventFilter) => ({
      events: read({ after, maxCount, filter }),
      head: headPositionNow(),
    }));
    return async (after, maxCount, filter) => readPage(after, maxCount, filter);
  };

  const readAllStored = async ({ after = START, maxCount }: Omit<ReadAllOptions, 'filter'> = {}) =>
    statements.readAllStored
      .all(rowidBound(checkPosition(after)), checkMaxCount(maxCount, readAllMaxCount))
      .map(toStoredEvent);

  const readPage = pagesOf(readMatching);
  const readFoldedPage = pagesOf((readOptions) =>
    statements.readFolded.all(readAllParameters(readOptions)).map(toFoldedEvent),
  );
  const subscriptions = createPollingSubscriptions({
    pollIntervalMs: options.pollIntervalMs ?? defaultPollIntervalMs,
  });

  const appendToStream = async (
    stream: string,
    events: readonly NewEvent[],
    { expectedRevision = 'any' }: AppendOptions = {},
  ): Promise<AppendResult> => {
    checkAppendBatch(events);
    const result = await group.run(() => append(stream, events, expectedRevision));
    subscriptions.wakeAll();
    return result;
  };

  const readStream = async (stream: string, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
    const limit = checkMaxCount(readOptions.maxCount, readStreamMaxCount);
    const rows =
      readOptions.direction === 'backwards'
        ? statements.readStreamBackwards.all(stream, readOptions.fromRevision ?? sqliteIntegerMax, limit)
        : statements.readStreamForwards.all(stream, readOptions.fromRevision ?? 0n, limit);
    return rows.map(toRecordedEvent);
  };

  const headPosition = async (): Promise<Position> => headPositionNow();

  return {
    appendToStream,
    readStream,
    getStreamRevision: async (stream) => streamRevision(stream),
    readAll,
    headPosition,
    readAllStored,
    subscribeToAll: (subscribeOptions) => subscriptions.subscribe(readPage, subscribeOptions),
    subscribeToFold: (subscribeOptions) => subscriptions.subscribe(readFoldedPage, subscribeOptions),
    close: () => subscriptions.closeAll(),
  };
};

const migrate = (db: Database): void => {
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const applyMissing = db.transaction(() => {
    const row = db
      .prepare<[string], { version: number }>('SELECT version FROM schema_versions WHERE component = ?')
      .get(schemaComponent);
    const version = row?.version ?? 0;
    if (version > migrations.length) {
      throw new Error(`the ${schemaComponent} schema is at version ${version}, newer than this code knows`);
    }
    migrations.slice(version).forEach((migration) => db.exec(migration));
    db.prepare(
      `INSERT INTO schema_versions (component, version) VALUES (?, ?)
       ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
    ).run(schemaComponent, migrations.length);
  });
  applyMissing.immediate();
};

/**
 * The log after a position, in order, filtered by event type and stream prefix (each null for none). Prefixes are
 * compared with substr, not LIKE, which ignores ASCII case and treats % and _ as wildcards.
 */
const matchingEventsSql = (columns: string): string =>
  `SELECT ${columns} FROM events
   WHERE position > @after
     AND (@eventTypes IS NULL OR type IN (SELECT value FROM json_each(@eventTypes)))
     AND (@streamPrefixes IS NULL OR EXISTS (
       SELECT 1 FROM json_each(@streamPrefixes) AS prefix
       WHERE substr(stream_name, 1, length(prefix.value)) = prefix.value))
   ORDER BY position LIMIT @limit`;

/** Prepared once per store. safeIntegers: revisions and positions come back as bigint. */
const prepareStatements = (db: Database) => ({
  streamRevision: db.prepare<[string], { revision: bigint }>(streamRevisionSql).safeIntegers(),
  eventsById: db
    .prepare<[string], { event_id: string; stream_name: string; revision: bigint; position: bigint }>(
      `SELECT event_id, stream_name, revision, position FROM events
       WHERE event_id IN (SELECT value FROM json_each(?))`,
    )
    .safeIntegers(),
  insertEvent: db.prepare<InsertedEventRow>(insertEventSql).safeIntegers(),
  streamHead: db.prepare<[string], { revision: bigint; hash: string | null }>(streamHeadSql).safeIntegers(),
  saveStreamRevision: db.prepare<[string, bigint]>(saveStreamRevisionSql),
  readStreamForwards: db
    .prepare<[string, bigint, number], EventRow>(
      `SELECT ${eventColumns} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    )
    .safeIntegers()
    .raw(),
  readStreamBackwards: db
    .prepare<[string, bigint, number], EventRow>(
      `SELECT ${eventColumns} FROM events WHERE stream_name = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    )
    .safeIntegers()
    .raw(),
  readAll: db.prepare<ReadAllParameters, EventRow>(matchingEventsSql(eventColumns)).safeIntegers().raw(),
  readFolded: db.prepare<ReadAllParameters, FoldedRow>(matchingEventsSql(foldedColumns)).safeIntegers().raw(),
  readAllStored: db
    .prepare<[bigint, number], EventRow>(
      `SELECT ${eventColumns} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    )
    .safeIntegers()
    .raw(),
  headPosition: db
    .prepare<[], { position: bigint | null }>('SELECT max(position) AS position FROM events')
    .safeIntegers(),
});

/** Positions are 20 digits, SQLite integers 63 bits: none is stored beyond the largest, so clamp to it. */
const rowidBound = (position: Position): bigint => {
  const rowid = BigInt(position);
  return rowid < sqliteIntegerMax ? rowid : sqliteIntegerMax;
};

/** By shape, not `instanceof`: better-sqlite3's errors may come from another realm than this module's Error. */
const isEventIdTaken = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('events.event_id');
};

const toRecordedEvent = ([
  position,
  streamName,
  revision,
  id,
  type,
  data,
  metadata,
  recordedAt,
  hash,
]: EventRow): RecordedEvent => ({
  id,
  type,
  data: JSON.parse(data) as unknown,
  metadata: JSON.parse(metadata) as EventMetadata,
  streamName,
  revision,
  position: positionFromNumber(position),
  recordedAt: new Date(recordedAt),
  ...(hash !== null ? { hash } : {}),
});

const toFoldedEvent = ([position, type, data, recordedAt]: FoldedRow): FoldedEvent => ({
  type,
  data: JSON.parse(data) as unknown,
  position: positionFromNumber(position),
  recordedAt: new Date(recordedAt),
});

const toStoredEvent = ([
  position,
  streamName,
  revision,
  id,
  type,
  dataJson,
  metadataJson,
  recordedAt,
  hash,
]: EventRow): StoredEvent => ({
  streamName,
  revision,
  position: positionFromNumber(position),
  id,
  type,
  dataJson,
  metadataJson,
  recordedAt,
  ...(hash !== null ? { hash } : {}),
});
