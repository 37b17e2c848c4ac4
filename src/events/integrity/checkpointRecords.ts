import type { Database } from 'better-sqlite3';
import type { SignedCheckpoint } from './checkpoint';
import type { LogFrontier } from './logAudit';

/**
 * The checkpoints the ledger has issued, newest last. Auditors should keep their own copies elsewhere:
 * a checkpoint only protects against truncation or rewriting when it is held outside the operator's reach.
 */
export interface CheckpointRecords {
  /** Keeps the checkpoint, and the tree's frontier from which the next one goes on. */
  save(checkpoint: SignedCheckpoint, frontier: LogFrontier): void;
  latest(): SignedCheckpoint | undefined;
  /** The frontier kept with the latest checkpoint, if it has one. */
  latestFrontier(): LogFrontier | undefined;
}

interface StoredFrontier {
  position: string;
  size: number;
  subtrees: [rootHex: string, leafCount: number][];
}

export const createCheckpointRecords = (db: Database): CheckpointRecords => {
  db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
    tree_size INTEGER NOT NULL, root_hash TEXT NOT NULL, issued_at TEXT NOT NULL, signature TEXT NOT NULL)`);
  const columns = (db.prepare('PRAGMA table_info(checkpoints)').all() as { name: string }[]).map((row) => row.name);
  if (!columns.includes('frontier')) db.exec('ALTER TABLE checkpoints ADD COLUMN frontier TEXT');
  const insert = db.prepare(
    'INSERT INTO checkpoints (tree_size, root_hash, issued_at, signature, frontier) VALUES (?, ?, ?, ?, ?)',
  );
  const selectLatest = db.prepare('SELECT * FROM checkpoints ORDER BY rowid DESC LIMIT 1');
  const latestRow = () =>
    selectLatest.get() as
      | { tree_size: number; root_hash: string; issued_at: string; signature: string; frontier: string | null }
      | undefined;
  return {
    save: ({ treeSize, rootHash, issuedAt, signature }, { position, tree }) => {
      const frontier: StoredFrontier = {
        position,
        size: tree.size,
        subtrees: tree.subtrees.map(({ root, leafCount }) => [root.toString('hex'), leafCount]),
      };
      insert.run(treeSize, rootHash, issuedAt, signature, JSON.stringify(frontier));
    },
    latest() {
      const row = latestRow();
      return (
        row && { treeSize: row.tree_size, rootHash: row.root_hash, issuedAt: row.issued_at, signature: row.signature }
      );
    },
    latestFrontier() {
      const stored = latestRow()?.frontier;
      if (!stored) return undefined;
      const { position, size, subtrees } = JSON.parse(stored) as StoredFrontier;
      const tree = {
        size,
        subtrees: subtrees.map(([root, leafCount]) => ({ root: Buffer.from(root, 'hex'), leafCount })),
      };
      return { position, tree };
    },
  };
};
