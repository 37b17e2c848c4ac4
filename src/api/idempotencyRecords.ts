import type { Database } from 'better-sqlite3';
import { groupCommitOf } from '../events/adapters/sqliteGroupCommit';
import type { Sweep } from '../ledger/scheduler';

/**
 * The first response to each idempotency key, so that a retry gets exactly that response back. The
 * fingerprint (method, path and body) tells a retry from a different request that reuses the key.
 *
 * Records are kept for a retention period (forgetIdempotencyRecords), not for ever: a client retries within
 * minutes or hours. A retry after that still writes nothing, since event ids derive from the key
 * (commandHandler.ts): it gets the same entry and position back, with its status as it stands then.
 */

export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

export interface IdempotencyRecords {
  find(key: string): StoredResponse | undefined;
  /** Resolves once the record is durable; it shares the group commit of the event appends (sqliteGroupCommit). */
  save(key: string, response: StoredResponse, at: Date): Promise<void>;
  /** Deletes at most `limit` records saved before `instant`, oldest first; returns how many. */
  forgetOlderThan(instant: Date, limit: number): number;
}

export const createIdempotencyRecords = (db: Database): IdempotencyRecords => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS idempotency_records (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
    created_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS idempotency_records_by_age ON idempotency_records (created_at)`);
  const select = db.prepare('SELECT fingerprint, status, body FROM idempotency_records WHERE key = ?');
  const insert = db.prepare(
    'INSERT OR IGNORE INTO idempotency_records (key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const forget = db.prepare(
    `DELETE FROM idempotency_records WHERE key IN (
       SELECT key FROM idempotency_records WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
  );
  const group = groupCommitOf(db);
  return {
    find(key) {
      const row = select.get(key) as { fingerprint: string; status: number; body: string } | undefined;
      return row && { fingerprint: row.fingerprint, status: row.status, body: JSON.parse(row.body) };
    },
    async save(key, { fingerprint, status, body }, at) {
      await group.run(() => insert.run(key, fingerprint, status, JSON.stringify(body), at.toISOString()));
    },
    forgetOlderThan: (instant, limit) => forget.run(instant.toISOString(), limit).changes,
  };
};

/** The scheduler's sweep that forgets the records older than the retention period. */
export const forgetIdempotencyRecords =
  (records: Pick<IdempotencyRecords, 'forgetOlderThan'>, retentionMs: number): Sweep =>
  async (now, limit) =>
    records.forgetOlderThan(new Date(now.getTime() - retentionMs), limit);
