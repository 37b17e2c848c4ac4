/**
 * The statements an append writes with, as text: the store prepares them on its connection, and the import's
 * commit worker (sqliteCommitWorker.ts) on its own, so that both write the same rows.
 */

export const streamRevisionSql = 'SELECT revision FROM streams WHERE stream_name = ?';
/** The stream's last event: its revision and its link in the hash chain. */
export const streamHeadSql = 'SELECT revision, hash FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1';
export const insertEventSql = `INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
export const saveStreamRevisionSql = `INSERT INTO streams (stream_name, revision) VALUES (?, ?)
  ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision`;

/** insertEventSql's parameters: stream, revision, id, type, data, metadata, recordedAt, hash. */
export type InsertedEventRow = [string, bigint, string, string, string, string, string, string];
