import BetterSqlite3 from 'better-sqlite3';
import { walAutocheckpointPages } from '../../src/events/adapters/sqliteDatabase';

/**
 * The baselines' SQLite database: an events table shaped like the ledger's (src/events/adapters/
 * sqliteEventStore.ts: rowid position, the stream and revision unique together, the event id unique, the hash
 * chain column), with the ledger's durability: WAL, synchronous=FULL, and its WAL checkpoint threshold.
 */

export type Database = BetterSqlite3.Database;

export const openBaselineDatabase = (path: string): Database => {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
  db.exec(`CREATE TABLE IF NOT EXISTS events (
     position INTEGER PRIMARY KEY,
     stream_name TEXT NOT NULL,
     revision INTEGER NOT NULL,
     event_id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     metadata TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     hash TEXT,
     UNIQUE (stream_name, revision)
   )`);
  return db;
};

export const insertEventSql =
  'INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
