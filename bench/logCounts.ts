import BetterSqlite3 from 'better-sqlite3';
import { formatCount } from './format';

/**
 * What the bench reads straight from a ledger database (the event store's tables, with better-sqlite3): the
 * size of the log and of the population. Reads only; safe beside a running ledger (WAL).
 */

export interface LogCounts {
  /** The log head: `max(position)`. */
  events: number;
  subjects: number;
  /** Residents are r-000001 … r-<residents>, the ids the load generator picks from. */
  residents: number;
}

const readNumber = (dbPath: string, sql: string, ...parameters: string[]): number => {
  const db = new BetterSqlite3(dbPath, { fileMustExist: true });
  try {
    const value = db
      .prepare(sql)
      .pluck()
      .get(...parameters) as number | bigint | null;
    return Number(value ?? 0);
  } finally {
    db.close();
  }
};

/** 0 for a database the event store has not created its tables in yet. */
export const logHead = (dbPath: string): number =>
  readNumber(dbPath, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'`) === 0
    ? 0
    : readNumber(dbPath, 'SELECT max(position) FROM events');

/** How many events a stream holds. */
export const streamLength = (dbPath: string, stream: string): number =>
  readNumber(dbPath, 'SELECT count(*) FROM events WHERE stream_name = ?', stream);

export const countLog = (dbPath: string): LogCounts => ({
  events: logHead(dbPath),
  subjects: readNumber(dbPath, `SELECT count(*) FROM streams WHERE stream_name LIKE 'subject-%'`),
  residents: readNumber(dbPath, `SELECT count(*) FROM streams WHERE stream_name LIKE 'subject-r-%'`),
});

export const describeCounts = ({ events, subjects }: LogCounts): string =>
  `${formatCount(events)} events, ${formatCount(subjects)} subjects`;
