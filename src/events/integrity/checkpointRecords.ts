import type { Database } from 'better-sqlite3';
import type { SignedCheckpoint } from './checkpoint';

/**
 * The checkpoints the ledger has issued, newest last. Auditors should keep their own copies elsewhere:
 * a checkpoint only protects against truncation or rewriting when it is held outside the operator's reach.
 */
export interface CheckpointRecords {
  save(checkpoint: SignedCheckpoint): void;
  latest(): SignedCheckpoint | undefined;
}

export const createCheckpointRecords = (db: Database): CheckpointRecords => {
  db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
    tree_size INTEGER NOT NULL, root_hash TEXT NOT NULL, issued_at TEXT NOT NULL, signature TEXT NOT NULL)`);
  const insert = db.prepare('INSERT INTO checkpoints (tree_size, root_hash, issued_at, signature) VALUES (?, ?, ?, ?)');
  const selectLatest = db.prepare('SELECT * FROM checkpoints ORDER BY rowid DESC LIMIT 1');
  return {
    save: ({ treeSize, rootHash, issuedAt, signature }) => {
      insert.run(treeSize, rootHash, issuedAt, signature);
    },
    latest() {
      const row = selectLatest.get() as
        { tree_size: number; root_hash: string; issued_at: string; signature: string } | undefined;
      return (
        row && { treeSize: row.tree_size, rootHash: row.root_hash, issuedAt: row.issued_at, signature: row.signature }
      );
    },
  };
};
