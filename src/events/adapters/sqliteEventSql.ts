import {
  START,
  checkMaxCount,
  checkPosition,
  readAllMaxCount,
  type Position,
  type ReadAllOptions,
} from '../eventStore';

/**
 * The events table's statements as text: the store prepares them on its connection, and the import's commit
 * worker (sqliteCommitWorker.ts) those it writes with on its own, so that both write the same rows.
 */

export const eventColumns = 'position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash';

export const streamRevisionSql = 'SELECT revision FROM streams WHERE stream_name = ?';
export const insertEventSql = `INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
export const saveStreamRevisionSql = `INSERT INTO streams (stream_name, revision) VALUES (?, ?)
  ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision`;

/** insertEventSql's parameters: stream, revision, id, type, data, metadata, recordedAt, hash. */
export type InsertedEventRow = [string, bigint, string, string, string, string, string, string];

/**
 * A page of the log after a position, filtered. Prefixes are compared with substr, not LIKE, which ignores ASCII
 * case and treats % and _ as wildcards.
 */
export const readAllSql = `SELECT ${eventColumns} FROM events
  WHERE position > @after
    AND (@eventTypes IS NULL OR type IN (SELECT value FROM json_each(@eventTypes)))
    AND (@streamPrefixes IS NULL OR EXISTS (
      SELECT 1 FROM json_each(@streamPrefixes) AS prefix
      WHERE substr(stream_name, 1, length(prefix.value)) = prefix.value))
  ORDER BY position LIMIT @limit`;
export const headPositionSql = 'SELECT max(position) AS position FROM events';

/** readAllSql's parameters. */
export interface ReadAllParameters {
  after: bigint;
  /** JSON arrays, or null for no filter. */
  eventTypes: string | null;
  streamPrefixes: string | null;
  limit: number;
}

/** The largest SQLite INTEGER: no revision or position is stored beyond it. */
export const sqliteIntegerMax = 2n ** 63n - 1n;

/** Positions are 20 digits, SQLite integers 63 bits: none is stored beyond the largest, so clamp to it. */
export const rowidBound = (position: Position): bigint => {
  const rowid = BigInt(position);
  return rowid < sqliteIntegerMax ? rowid : sqliteIntegerMax;
};

export const readAllParameters = ({ after = START, maxCount, filter }: ReadAllOptions): ReadAllParameters => ({
  after: rowidBound(checkPosition(after)),
  eventTypes: filter?.eventTypes ? JSON.stringify(filter.eventTypes) : null,
  streamPrefixes: filter?.streamPrefixes ? JSON.stringify(filter.streamPrefixes) : null,
  limit: checkMaxCount(maxCount, readAllMaxCount),
});
