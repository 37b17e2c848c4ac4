import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/**
 * Secrets the ledger makes for itself on first use and keeps in its database: the Ed25519 key pair of
 * the tokens it mints (demo credentials, the CLI's `token` command) and the pepper of API key hashes.
 * A deployment can supply its own instead (see the README): an identity provider's public key, and a
 * pepper kept outside the database, so that a stolen database file cannot be used to check guessed keys.
 */

const loadOrCreate = (db: Database, name: string, create: () => string, now: Date): string => {
  db.exec(`CREATE TABLE IF NOT EXISTS local_secrets (
    name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at TEXT NOT NULL)`);
  const stored = db.prepare('SELECT value FROM local_secrets WHERE name = ?').get(name) as
    { value: string } | undefined;
  if (stored) return stored.value;
  const value = create();
  db.prepare('INSERT INTO local_secrets (name, value, created_at) VALUES (?, ?, ?)').run(
    name,
    value,
    now.toISOString(),
  );
  return value;
};

export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const localSigningKeys = (db: Database, now: Date): SigningKeys => {
  const pem = loadOrCreate(
    db,
    'token-signing-key',
    () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    now,
  );
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
};

/** The Ed25519 key pair that signs checkpoints of the log; its public half is published for auditors. */
export const localCheckpointKeys = (db: Database, now: Date): SigningKeys => {
  const pem = loadOrCreate(
    db,
    'checkpoint-signing-key',
    () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    now,
  );
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
};

export const localApiKeyPepper = (db: Database, now: Date): Buffer =>
  Buffer.from(
    loadOrCreate(db, 'api-key-pepper', () => randomBytes(32).toString('hex'), now),
    'hex',
  );
