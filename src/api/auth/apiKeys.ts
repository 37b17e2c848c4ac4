import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Principal } from './principal';

/**
 * API keys for machine consumers (a rail ticketing service, a heating company). A key reads
 * `ck_<id>_<secret>`; only HMAC-SHA-256(pepper, secret) is stored, so a leaked database does not leak
 * usable keys, and the secret (32 random bytes) is compared in constant time. Each key is bound to the
 * restrictions and perks its consumer may ask about, and can be revoked.
 */

export interface ApiKeyGrant {
  consumer: string;
  measures: string[];
  perks: string[];
}

export interface ApiKeyRecord extends ApiKeyGrant {
  id: string;
  createdAt: string;
  revokedAt?: string;
}

export interface ApiKeys {
  /** Returns the key itself, which is shown once and never stored. */
  create(grant: ApiKeyGrant, now: Date): { id: string; key: string };
  /** The consumer principal for a valid, unrevoked key; undefined otherwise. */
  verify(key: string): Principal | undefined;
  revoke(id: string, now: Date): boolean;
  list(): ApiKeyRecord[];
}

const keyPattern = /^ck_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const createApiKeys = (db: Database, pepper: Buffer): ApiKeys => {
  db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, secret_hmac BLOB NOT NULL, consumer TEXT NOT NULL, measures TEXT NOT NULL,
    perks TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)`);
  const insert = db.prepare(
    'INSERT INTO api_keys (id, secret_hmac, consumer, measures, perks, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT * FROM api_keys WHERE id = ?');
  const selectAll = db.prepare('SELECT * FROM api_keys ORDER BY created_at, id');
  const markRevoked = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const hmacOf = (secret: string): Buffer => createHmac('sha256', pepper).update(secret).digest();

  type Row = {
    id: string;
    secret_hmac: Buffer;
    consumer: string;
    measures: string;
    perks: string;
    created_at: string;
    revoked_at: string | null;
  };
  const recordOf = (row: Row): ApiKeyRecord => ({
    id: row.id,
    consumer: row.consumer,
    measures: JSON.parse(row.measures) as string[],
    perks: JSON.parse(row.perks) as string[],
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  });

  return {
    create(grant, now) {
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      insert.run(
        id,
        hmacOf(secret),
        grant.consumer,
        JSON.stringify(grant.measures),
        JSON.stringify(grant.perks),
        now.toISOString(),
      );
      return { id, key: `ck_${id}_${secret}` };
    },
    verify(key) {
      const match = keyPattern.exec(key);
      if (!match) return undefined;
      const row = select.get(match[1]) as Row | undefined;
      if (!row || row.revoked_at !== null) return undefined;
      if (!timingSafeEqual(row.secret_hmac, hmacOf(match[2] as string))) return undefined;
      const record = recordOf(row);
      return {
        id: `api-key:${record.id}`,
        kind: 'machine',
        roles: ['consumer'],
        purposes: { measures: record.measures, perks: record.perks },
      };
    },
    revoke: (id, now) => markRevoked.run(now.toISOString(), id).changes > 0,
    list: () => (selectAll.all() as Row[]).map(recordOf),
  };
};
