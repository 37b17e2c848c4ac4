import type { Database, Statement } from 'better-sqlite3';
import type { FoldedEvent } from '../events/eventStore';
import type { EntryPosted, SubjectRegistered } from '../events/ledgerEvents';
import type { ScoredEntry } from '../ledger/score';
import { createReadIndexes, foldByType, type Projection, type ReadIndex } from './projection';

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
 * The entries' rows are stored in the order they were posted (posted_order), so a rebuild from zero appends them.
 * Keyed by entry id (a uuid, random), each insert landed on a random page of a file larger than the cache: at 10 M
 * events those inserts and the commits writing back the pages they dirtied were a third of the rebuild. The index by
 * entry id is a read index, built sorted once the rebuild has caught up. Until then the fold finds an entry's row
 * through a map held in memory, up to entriesHeldInMemoryMax entries, where it builds the index at once instead.
 */
const entriesById: ReadIndex = { name: 'score_entries_by_id', on: 'score_entries (entry_id)' };
const readIndexes: ReadIndex[] = [
  entriesById,
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

/** About 100 bytes of heap each: 3.4 million at 10 M events. A V8 Map holds at most 2^24. */
export const entriesHeldInMemoryMax = 5_000_000;

export const createScoreProjection = (
  db: Database,
  { heldInMemoryMax = entriesHeldInMemoryMax }: { heldInMemoryMax?: number } = {},
): Projection & ScoreReadModel => {
  // Before version 3 the entries were keyed by entry id: such a table is dropped here and rebuilt by the runner, which
  // rebuilds a projection from zero when its saved version differs.
  const postedInOrder = db.prepare("SELECT 1 FROM pragma_table_info('score_entries') WHERE name = 'posted_order'");
  if (!postedInOrder.get()) db.exec('DROP TABLE IF EXISTS score_entries');
  db.exec(`
    CREATE TABLE IF NOT EXISTS score_subjects (
      subject_id TEXT PRIMARY KEY, kind TEXT NOT NULL, adult_from TEXT, baseline INTEGER NOT NULL,
      registered_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS score_entries (
      posted_order INTEGER PRIMARY KEY,
      entry_id TEXT NOT NULL, subject_id TEXT NOT NULL, rule_code TEXT NOT NULL, direction TEXT NOT NULL,
      points INTEGER NOT NULL, grade_cap TEXT, severity TEXT NOT NULL, occurred_at TEXT NOT NULL,
      effective_until TEXT NOT NULL, scheme_version TEXT NOT NULL,
      reversed INTEGER NOT NULL DEFAULT 0, ended_at TEXT, expired INTEGER NOT NULL DEFAULT 0);
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
  const selectOrder = db.prepare('SELECT posted_order FROM score_entries WHERE entry_id = ?').pluck();
  // Every statement by row names the entry too: a row the map holds for an entry whose insert was rolled back
  // (and whose posted_order another entry then took) matches nothing.
  const atRow = 'WHERE posted_order = ? AND entry_id = ?';
  const selectSubjectAt = db.prepare(`SELECT subject_id FROM score_entries ${atRow}`).pluck();
  const markReversed = db.prepare(`UPDATE score_entries SET reversed = ? ${atRow}`);
  const markEnded = db.prepare(`UPDATE score_entries SET ended_at = ? ${atRow}`);
  const markExpired = db.prepare(`UPDATE score_entries SET expired = 1 ${atRow}`);
  const selectSubject = db.prepare('SELECT * FROM score_subjects WHERE subject_id = ?');
  // Answered from the index alone, which holds every column asked for: one read of adjacent rows per subject.
  const selectEntries = db.prepare(
    `SELECT entry_id, rule_code, direction, points, grade_cap, severity, occurred_at, effective_until, scheme_version,
       ended_at
     FROM score_entries WHERE subject_id = ? AND reversed = 0 AND expired = 0 ORDER BY occurred_at, entry_id`,
  );
  const selectDueExpiries = db.prepare(
    `SELECT subject_id, entry_id, effective_until FROM score_entries
     WHERE reversed = 0 AND ended_at IS NULL AND expired = 0 AND effective_until <= ?
     ORDER BY effective_until, entry_id LIMIT ?`,
  );

  /** While a rebuild from zero catches up without the index by entry id: each entry's posted_order. */
  let heldInMemory: Map<string, number> | undefined;
  const orderOf = (entryId: string): number | undefined =>
    heldInMemory ? heldInMemory.get(entryId) : (selectOrder.get(entryId) as number | undefined);
  const subjectOf = (entryId: string): string | undefined => {
    const order = orderOf(entryId);
    return order === undefined ? undefined : (selectSubjectAt.get(order, entryId) as string | undefined);
  };
  /** An entry the log does not hold (or not yet) changes nothing. */
  const updateEntry = (statement: Statement, entryId: string, ...values: (string | number)[]): void => {
    const order = orderOf(entryId);
    if (order !== undefined) statement.run(...values, order, entryId);
  };

  const onRegistered = (data: SubjectRegistered, event: FoldedEvent): void => {
    insertSubject.run(data.subjectId, data.kind, data.adultFrom ?? null, data.baseline, event.recordedAt.toISOString());
  };
  const onEntryPosted = (data: EntryPosted): void => {
    // Applied once: an event offered again finds its entry stored.
    if (subjectOf(data.entryId) !== undefined) return;
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
    if (!heldInMemory) return;
    heldInMemory.set(data.entryId, Number(lastInsertRowid));
    if (heldInMemory.size < heldInMemoryMax) return;
    createReadIndexes(db, [entriesById]);
    heldInMemory = undefined;
  };

  return {
    name: 'scores',
    // 2: entries are read from a covering index of the entries not reversed and not expired.
    // 3: entries are stored in the order they were posted; the index by entry id is a read index.
    version: 3,
    readIndexes,
    reset() {
      db.exec('DELETE FROM score_subjects; DELETE FROM score_entries;');
      heldInMemory = new Map();
    },
    rebuilt() {
      heldInMemory = undefined;
    },
    ...foldByType({
      SubjectRegistered: (event) => onRegistered(event.data, event),
      EntryPosted: (event) => onEntryPosted(event.data),
      EntryReversed: (event) => updateEntry(markReversed, event.data.entryId, 1),
      EntryReinstated: (event) => updateEntry(markReversed, event.data.entryId, 0),
      EntryExpired: (event) => updateEntry(markExpired, event.data.entryId),
      CreditRepairGranted: (event) => updateEntry(markEnded, event.data.entryId, event.recordedAt.toISOString()),
    }),
    subjectOfEntry: subjectOf,
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
