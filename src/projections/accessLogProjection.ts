import type { Database } from 'better-sqlite3';
import type { Position } from '../events/eventStore';
import type { AccessRecord } from '../events/ledgerEvents';
import { foldByType, type Projection, type ReadIndex } from './projection';

/**
 * The access log, read two ways: by the subject whose data was read (a resident sees who looked at their
 * record) and by the viewer who read it (an auditor checks what one official has been reading). Oldest first,
 * paged by a cursor that names a record by its event's position and its index within the event's batch.
 */

/** Opaque to clients; `<position>.<index within the batch>`, the pattern in schemas/api/accessLogResponses.json. */
export type AccessCursor = string;

export interface AccessLogPage {
  items: AccessRecord[];
  /** Pass as `after` to read the next page; null on the last page. */
  next: AccessCursor | null;
}

export interface AccessLogReadModel {
  forSubject(subjectId: string, options: { after?: AccessCursor; limit: number }): AccessLogPage;
  byViewer(viewerId: string, options: { after?: AccessCursor; limit: number; subjectId?: string }): AccessLogPage;
}

const cursorPattern = /^([0-9]{20})\.([0-9]{1,3})$/;

const cursorOf = (position: Position, index: number): AccessCursor => `${position}.${index}`;

/** The (position, index) a page starts after; before the first record when there is no cursor. */
const startAfter = (cursor: AccessCursor | undefined): [string, number] => {
  if (cursor === undefined) return ['', -1];
  const match = cursorPattern.exec(cursor);
  if (!match) throw new RangeError(`not an access-log cursor: ${cursor}`);
  return [match[1] as string, Number(match[2])];
};

interface Row {
  position: string;
  record_index: number;
  record: string;
}

const readIndexes: ReadIndex[] = [
  { name: 'access_log_by_subject', on: 'access_log (subject_id, position, record_index)' },
  { name: 'access_log_by_viewer', on: 'access_log (viewer_id, position, record_index)' },
  { name: 'access_log_by_viewer_and_subject', on: 'access_log (viewer_id, subject_id, position, record_index)' },
];

export const createAccessLogProjection = (db: Database): Projection & AccessLogReadModel => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS access_log (
      position TEXT NOT NULL, record_index INTEGER NOT NULL, subject_id TEXT NOT NULL, viewer_id TEXT NOT NULL,
      record TEXT NOT NULL,
      PRIMARY KEY (position, record_index)) WITHOUT ROWID;
  `);
  const insertRecord = db.prepare(
    `INSERT OR IGNORE INTO access_log (position, record_index, subject_id, viewer_id, record)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const pageAfter = '(position, record_index) > (?, ?) ORDER BY position, record_index LIMIT ?';
  const selectForSubject = db.prepare(`SELECT * FROM access_log WHERE subject_id = ? AND ${pageAfter}`);
  const selectByViewer = db.prepare(`SELECT * FROM access_log WHERE viewer_id = ? AND ${pageAfter}`);
  const selectByViewerAndSubject = db.prepare(
    `SELECT * FROM access_log WHERE viewer_id = ? AND subject_id = ? AND ${pageAfter}`,
  );

  /** The queries read one row more than the page holds: its presence says there is a next page. */
  const pageOf = (rows: Row[], limit: number): AccessLogPage => {
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      items: shown.map((row) => JSON.parse(row.record) as AccessRecord),
      next: rows.length > limit && last ? cursorOf(last.position, last.record_index) : null,
    };
  };

  return {
    name: 'accessLog',
    version: 1,
    readIndexes,
    reset() {
      db.exec('DELETE FROM access_log');
    },
    ...foldByType({
      RecordsAccessed: (event) =>
        event.data.records.forEach((record, index) => {
          insertRecord.run(event.position, index, record.subjectId, record.viewerId, JSON.stringify(record));
        }),
    }),
    forSubject(subjectId, { after, limit }) {
      return pageOf(selectForSubject.all(subjectId, ...startAfter(after), limit + 1) as Row[], limit);
    },
    byViewer(viewerId, { after, limit, subjectId }) {
      const rows =
        subjectId === undefined
          ? selectByViewer.all(viewerId, ...startAfter(after), limit + 1)
          : selectByViewerAndSubject.all(viewerId, subjectId, ...startAfter(after), limit + 1);
      return pageOf(rows as Row[], limit);
    },
  };
};
