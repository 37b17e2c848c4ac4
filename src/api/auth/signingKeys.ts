import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/**
 * The ledger's own Ed25519 key pair for the tokens it mints (demo credentials, the CLI's `token` command).
 * Created on first use and kept in the database. A deployment whose people sign in elsewhere gives the
 * identity provider's public key instead (LEDGER_JWT_PUBLIC_KEY) and never mints.
 */

export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const loadOrCreateSigningKeys = (db: Database, clock: () => Date): SigningKeys => {
  db.exec(`CREATE TABLE IF NOT EXISTS signing_keys (
    name TEXT PRIMARY KEY, private_pem TEXT NOT NULL, created_at TEXT NOT NULL)`);
  const stored = db.prepare("SELECT private_pem FROM signing_keys WHERE name = 'tokens'").get() as
    | { private_pem: string }
    | undefined;
  if (stored) {
    const privateKey = createPrivateKey(stored.private_pem);
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  db.prepare("INSERT INTO signing_keys (name, private_pem, created_at) VALUES ('tokens', ?, ?)").run(
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
    clock().toISOString(),
  );
  return { privateKey, publicKey };
};
