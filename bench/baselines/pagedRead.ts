import BetterSqlite3 from 'better-sqlite3';

/**
 * The read loop of the rebuild and verify baselines: a ledger database's events table, read-only, in position
 * order, in keyset pages (reference/performance.md §3: the fastest of the read modes measured), each row an array
 * of the columns asked for (better-sqlite3's `raw`), as the ledger's own store reads them.
 */

const pageSize = 1_000;

/** `columns` begins with position, which each page's last row gives as the key of the next. */
export const forEachPage = <Row extends [position: number, ...rest: unknown[]]>(
  dbPath: string,
  columns: `position, ${string}`,
  visit: (rows: Row[]) => void,
): number => {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    const page = db
      .prepare(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ${pageSize}`)
      .raw();
    let after = 0;
    let events = 0;
    for (;;) {
      const rows = page.all(after) as Row[];
      const last = rows.at(-1);
      if (!last) return events;
      visit(rows);
      events += rows.length;
      after = last[0];
    }
  } finally {
    db.close();
  }
};
