import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openLedgerDatabase, walAutocheckpointPages } from '../../src/events/adapters/sqliteDatabase';
import { startWalCheckpointer } from '../../src/events/adapters/walCheckpointer';
import { temporaryFolder } from '../support/ledgerService';

/**
 * The WAL checkpointer: a worker thread moves committed pages into the database file, so that the serving
 * connection never checkpoints inside a commit.
 */

const waitUntil = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
};

const withDatabase = async (use: (db: ReturnType<typeof openLedgerDatabase>, path: string) => Promise<void>) => {
  const folder = temporaryFolder();
  const path = join(folder.path, 'ledger.db');
  const db = openLedgerDatabase(path);
  try {
    await use(db, path);
  } finally {
    db.close();
    folder.remove();
  }
};

describe('the WAL checkpointer', () => {
  it('moves committed pages into the database file while the serving connection checkpoints none', async () => {
    await withDatabase(async (db, path) => {
      const failures: unknown[] = [];
      const checkpointer = startWalCheckpointer(db, { intervalMs: 20, onFailure: (error) => failures.push(error) });
      try {
        expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
        db.exec('CREATE TABLE pages (body TEXT NOT NULL)');
        const sizeBefore = statSync(path).size;
        const insert = db.prepare('INSERT INTO pages (body) VALUES (?)');
        db.transaction(() => {
          for (let row = 0; row < 500; row += 1) insert.run('x'.repeat(4_000));
        })();
        expect(await waitUntil(() => statSync(path).size >= sizeBefore + 500 * 4_000, 5_000)).toBe(true);
        expect(failures).toEqual([]);
      } finally {
        await checkpointer.stop();
      }
    });
  });

  it('gives the serving connection its automatic checkpoint back when stopped', async () => {
    await withDatabase(async (db) => {
      await startWalCheckpointer(db, { onFailure: () => undefined }).stop();
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(walAutocheckpointPages);
    });
  });

  it('refuses an in-memory database, which has no WAL', () => {
    const db = openLedgerDatabase(':memory:');
    expect(() => startWalCheckpointer(db, { onFailure: () => undefined })).toThrow(/no WAL/);
    db.close();
  });
});
