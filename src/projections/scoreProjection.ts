import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../events/eventStore';
import type { EntryPosted, SubjectRegistered } from '../events/ledgerEvents';
import type { ScoredEntry } from '../ledger/score';
import { foldByType, type Projection, type ReadIndex } from './projection';

/**
 * Subjects and the entries that can count towards their score. The score itself is computed at read
 * time (scoreAt), because whether an entry is in effect depends on the instant asked about.
 */

export interface SubjectRecord {
  subjectId: string;
  kind: SubjectRegistered['kind'];
  adultFrom?: string;
  baseline: number;
  registeredAt: string;
}

export interface ScoreReadModel {
  subject(subjectId: string): SubjectRecord | undefined;
  /**
   * The entries that can count now or later (posted, not reversed, and not expired: an expired entry's effect
   * ended before its expiry was recorded), with the end of a repaired one's effect.
   */
  entries(subjectId: string): ScoredEntry[];
  /** The subject of a posted (or reversed) entry. */
  subjectOfEntry(entryId: string): string | undefined;
  /** Entries whose effect period has ended but whose expiry is not yet recorded, oldest first. */
  dueExpiries(at: Date, limit: number): { subjectId: string; entryId: string }[];
}

/**
 * The entries' rows are stored in the order they were posted (by rowid), and a rebuild from zero appends them.
 * Keyed by entry id (a uuid, random) each insert landed on a random page of a file larger than the cache: at 10 M
 * events those inserts and the commits writing back the pages they dirtied were half of the rebuild. The index by
 * entry id is a read index, built sorted once the rebuild has caught up; until then the fold finds an entry's row
 * through a map held in memory.
 */
const readIndexes: ReadIndex[] = [
  { name: 'score_entries_by_id', on: 'score_entries (entry_id)', unique: true },
  {
    name: 'score_entries_by_expiry',
    on: 'score_entries (effective_until) WHERE reversed = 0 AND ended_at IS NULL AND expired = 0',
  },
  // Covering: a score read is one range of adjacent index rows.
  {
    name: 'score_entries_live_by_subject',
    on: `score_entries (subject_id, occurred_at, entry_id, rule_code, direction, points, grade_cap, severity,
      effective_until, scheme_version, ended_at) WHERE reversed = 0 AND expired = 0`,
  },
];

const createEntriesTable = `
  CREATE TABLE IF NOT EXISTS score_entries (
    entry_id TEXT NOT NULL, subject_id TEXT NOT NULL, rule_code TEXT NOT NULL, direction TEXT NOT NULL,
    points INTEGER NOT NULL, grade_cap TEXT, severity TEXT NOT NULL, occurred_at TEXT NOT NULL,
    effective_until TEXT NOT NULL, scheme_version TEXT NOT NULL,
    reversed INTEGER NOT NULL DEFAULT 0, ended_at TEXT, expired INTEGER NOT NULL DEFAULT 0);`;

export const createScoreProjection = (db: Database): Projection & ScoreReadModel => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS score_subjects (
      subject_id TEXT PRIMARY KEY, kind TEXT NOT NULL, adult_from TEXT, baseline INTEGER NOT NULL,
      registered_at TEXT NOT NULL);
    ${createEntriesTable}
    DROP INDEX IF EXISTS score_entries_by_subject;
  `);
  // Positional parameters: binding by name looks each one up in an object built for it, which a rebuild pays
  // millions of times.
  const insertSubject = db.prepare(
    `INSERT OR IGNORE INTO score_subjects (subject_id, kind, adult_from, baseline, registered_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const insertEntry = db.prepare(
    `INSERT INTO score_entries (entry_id, subject_id, rule_code, direction, points, grade_cap, severity,
       occurred_at, effective_until, scheme_version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectRowid = db.prepare('SELECT rowid FROM score_entries WHERE entry_id = ?').pluck();
  const markReversed = db.prepare('UPDATE score_entries SET reversed = ? WHERE rowid = ?');
  const markEnded = db.prepare('UPDATE score_entries SET ended_at = ? WHERE rowid = ?');
  const markExpired = db.prepare('UPDATE score_entries SET expired = 1 WHERE rowid = ?');
  const selectSubject = db.prepare('SELECT * FROM score_subjects WHERE subject_id = ?');
  // Answered from the index alone, which holds every column asked for: one read of adjacent rows per subject.
  const selectEntries = db.prepare(
    `SELECT entry_id, rule_code, direction, points, grade_cap, severity, occurred_at, effective_until, scheme_version,
       ended_at
     FROM score_entries WHERE subject_id = ? AND reversed = 0 AND expired = 0 ORDER BY occurred_at, entry_id`,
  );
  const selectSubjectOfRow = db.prepare('SELECT subject_id FROM score_entries WHERE rowid = ?').pluck();
  const selectDueExpiries = db.prepare(
    `SELECT subject_id, entry_id, effective_until FROM score_entries
     WHERE reversed = 0 AND ended_at IS NULL AND expired = 0 AND effective_until <= ?
     ORDER BY effective_until, entry_id LIMIT ?`,
  );

  /** While a rebuild from zero catches up, without the index by entry id: each entry's row by its id. */
  let rowidsWhileRebuilding: Map<string, number> | undefined;
  const rowOf = (entryId: string): number | undefined =>
    rowidsWhileRebuilding ? rowidsWhileRebuilding.get(entryId) : (selectRowid.get(entryId) as number | undefined);
  /** An entry the log does not hold (or not yet) changes nothing. */
  const updateEntry = (statement: Statement, entryId: string, ...values: (string | number)[]): void => {
    const rowid = rowOf(entryId);
    if (rowid !== undefined) statement.run(...values, rowid);
  };

  const onRegistered = (data: SubjectRegistered, event: RecordedEvent): void => {
    insertSubject.run(data.subjectId, data.kind, data.adultFrom ?? null, data.baseline, event.recordedAt.toISOString());
  };
  const onEntryPosted = (data: EntryPosted): void => {
    // Applied once: an event offered again finds its entry stored.
    if (rowOf(data.entryId) !== undefined) return;
    const { lastInsertRowid } = insertEntry.run(
      data.entryId,
      data.subjectId,
      data.ruleCode,
      data.direction,
      data.points,
      data.gradeCap ?? null,
      data.severity,
      data.occurredAt,
      data.effectiveUntil,
      data.schemeVersion,
    );
    rowidsWhileRebuilding?.set(data.entryId, Number(lastInsertRowid));
  };

  return {
    name: 'scores',
    // 2: entries are read from a covering index of the entries not reversed and not expired.
    // 3: entries are stored in the order they were posted; the index by entry id is a read index.
    version: 3,
    readIndexes,
    reset() {
      // The entries' table is made anew rather than emptied: before version 3 its key was the entry id.
      db.exec(`DELETE FROM score_subjects; DROP TABLE IF EXISTS score_entries; ${createEntriesTable}`);
      rowidsWhileRebuilding = new Map();
    },
    rebuilt() {
      rowidsWhileRebuilding = undefined;
    },
    ...foldByType({
      SubjectRegistered: (event) => onRegistered(event.data, event),
      EntryPosted: (event) => onEntryPosted(event.data),
      EntryReversed: (event) => updateEntry(markReversed, event.data.entryId, 1),
      EntryReinstated: (event) => updateEntry(markReversed, event.data.entryId, 0),
      EntryExpired: (event) => updateEntry(markExpired, event.data.entryId),
      CreditRepairGranted: (event) => updateEntry(markEnded, event.data.entryId, event.recordedAt.toISOString()),
    }),
    subjectOfEntry(entryId) {
      const rowid = rowOf(entryId);
      return rowid === undefined ? undefined : (selectSubjectOfRow.get(rowid) as string);
    },
    dueExpiries(at, limit) {
      return (selectDueExpiries.all(at.toISOString(), limit) as { subject_id: string; entry_id: string }[]).map(
        (row) => ({
          subjectId: row.subject_id,
          entryId: row.entry_id,
        }),
      );
    },
    subject(subjectId) {
      const row = selectSubject.get(subjectId) as Record<string, string | number | null> | undefined;
      if (!row) return undefined;
      return {
        subjectId: row.subject_id as string,
        kind: row.kind as SubjectRecord['kind'],
        ...(row.adult_from ? { adultFrom: row.adult_from as string } : {}),
        baseline: row.baseline as number,
        registeredAt: row.registered_at as string,
      };
    },
    entries(subjectId) {
      return (selectEntries.all(subjectId) as Record<string, string | number | null>[]).map((row): ScoredEntry => ({
        entryId: row.entry_id as string,
        ruleCode: row.rule_code as string,
        direction: row.direction as ScoredEntry['direction'],
        points: row.points as number,
        ...(row.grade_cap ? { gradeCap: row.grade_cap as ScoredEntry['gradeCap'] } : {}),
        severity: row.severity as ScoredEntry['severity'],
        occurredAt: row.occurred_at as string,
        effectiveUntil: row.effective_until as string,
        schemeVersion: row.scheme_version as string,
        ...(row.ended_at ? { endedAt: row.ended_at as string } : {}),
      }));
    },
  };
};
