import type { Database } from 'better-sqlite3';
import { groupCommitOf } from '../events/adapters/sqliteGroupCommit';

/**
 * The first response to each idempotency key, so that a retry gets exactly that response back. The
 * fingerprint (method, path and body) tells a retry from a different request that reuses the key.
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
}

export const createIdempotencyRecords = (db: Database): IdempotencyRecords => {
  db.exec(`CREATE TABLE IF NOT EXISTS idempotency_records (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
    created_at TEXT NOT NULL)`);
  const select = db.prepare('SELECT fingerprint, status, body FROM idempotency_records WHERE key = ?');
  const insert = db.prepare(
    'INSERT OR IGNORE INTO idempotency_records (key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?)',
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
  };
};
