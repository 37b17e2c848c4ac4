import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/**
 * Opens and configures the ledger's SQLite database. The event store, projections, idempotency records and the
 * subject directory each keep their own tables in it, so this only opens; each part creates what it needs.
 */

export type Database = BetterSqlite3.Database;

export const inMemoryPath = ':memory:';
const busyTimeoutMs = 5_000;
/** About 40 MB of WAL between checkpoints: appends ran about twice as fast as at the default 1,000 pages. */
export const walAutocheckpointPages = 10_000;

/**
 * SQLite's own page cache, in KiB (64 MiB instead of the default 2 MiB). At city scale the log, its indexes and the
 * read models are gigabytes, and every lookup walks four or five B-tree levels: with 2 MiB nearly each step is a
 * read from the OS; the upper levels of every index fit in 64 MiB.
 */
const pageCacheKib = 65_536;

/**
 * Opens the database at `path`, creating it unless `mustExist`. Opening a path creates an empty database there: a
 * command that reads or keeps an existing ledger (verify, export, a report, a token, an API key) would answer from
 * nothing as if all were well (an "ok" over no events, credentials the ledger actually serving refuses), so it asks
 * for `mustExist`; only `serve`, `seed` and `import` start a ledger.
 */
export const openLedgerDatabase = (path: string, { mustExist = false }: { mustExist?: boolean } = {}): Database => {
  const isFile = path !== inMemoryPath;
  if (isFile && mustExist && !existsSync(path)) throw new Error(`no ledger database at ${path} (LEDGER_DB)`);
  if (isFile) mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  // Set first, so that switching to WAL waits for another connection instead of failing at once.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (isFile) db.pragma('journal_mode = WAL');
  for (const pragma of connectionPragmas) db.pragma(pragma);
  return db;
};

/**
 * What every connection to the ledger's database sets (journal_mode belongs to the file), a worker thread's too
 * (sqliteWorker.ts), which takes them as text. openLedgerDatabase sets busy_timeout once more, before WAL.
 */
export const connectionPragmas: readonly string[] = [
  `busy_timeout = ${busyTimeoutMs}`,
  // Explicitly, not the build's default: a build may put WAL databases at NORMAL (SQLITE_DEFAULT_WAL_SYNCHRONOUS),
  // where the last committed appends can be lost on power loss.
  'synchronous = FULL',
  `wal_autocheckpoint = ${walAutocheckpointPages}`,
  `cache_size = -${pageCacheKib}`,
  'foreign_keys = ON',
];
