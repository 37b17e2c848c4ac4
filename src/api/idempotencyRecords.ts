import type { Database } from 'better-sqlite3';
import { groupCommitOf } from '../events/adapters/sqliteGroupCommit';
import type { Sweep } from '../ledger/scheduler';

/**
 * The first response to each idempotency key, so that a retry gets exactly that response back. The
 * fingerprint (method, path and body) tells a retry from a different request that reuses the key.
 *
 * Records are kept for a retention period (forgetIdempotencyRecords), not for ever: a client retries within
 * minutes or hours. A retry after that still writes nothing, since event ids derive from the key (commandHandler.ts):
 * it gets the same entry and position back, with its status as it stands then; and the ledger, which keeps the
 * fingerprint with the command's first event, still refuses the key on a different request.
 */

export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: unknown;
  /** The Location header the first response carried, if any. */
  location?: string;
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
    created_at TEXT NOT NULL, location TEXT);
    CREATE INDEX IF NOT EXISTS idempotency_records_by_age ON idempotency_records (created_at)`);
  // A database from before the Location was kept gains its column; its older records replay without one.
  if (!db.prepare("SELECT 1 FROM pragma_table_info('idempotency_records') WHERE name = 'location'").get()) {
    db.exec('ALTER TABLE idempotency_records ADD COLUMN location TEXT');
  }
  const select = db.prepare('SELECT fingerprint, status, body, location FROM idempotency_records WHERE key = ?');
  const insert = db.prepare(
    `INSERT OR IGNORE INTO idempotency_records (key, fingerprint, status, body, location, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const forget = db.prepare(
    `DELETE FROM idempotency_records WHERE key IN (
       SELECT key FROM idempotency_records WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
  );
  const group = groupCommitOf(db);
  return {
    find(key) {
      const row = select.get(key) as
        { fingerprint: string; status: number; body: string; location: string | null } | undefined;
      if (!row) return undefined;
      const { fingerprint, status, body, location } = row;
      return { fingerprint, status, body: JSON.parse(body), ...(location === null ? {} : { location }) };
    },
    async save(key, { fingerprint, status, body, location }, at) {
      await group.run(() =>
        insert.run(key, fingerprint, status, JSON.stringify(body), location ?? null, at.toISOString()),
      );
    },
    forgetOlderThan: (instant, limit) => forget.run(instant.toISOString(), limit).changes,
  };
};

/** The scheduler's sweep that forgets the records older than the retention period. */
export const forgetIdempotencyRecords =
  (records: Pick<IdempotencyRecords, 'forgetOlderThan'>, retentionMs: number): Sweep =>
  async (now, limit) =>
    records.forgetOlderThan(new Date(now.getTime() - retentionMs), limit);
