import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../events/eventStore';
import { isLedgerEvent, type EntryPosted, type SubjectRegistered } from '../events/ledgerEvents';
import type { ScoredEntry } from '../ledger/score';
import type { Projection } from './projection';

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
  entries(subjectId: string): ScoredEntry[];
}

export const createScoreProjection = (db: Database): Projection & ScoreReadModel => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS score_subjects (
      subject_id TEXT PRIMARY KEY, kind TEXT NOT NULL, adult_from TEXT, baseline INTEGER NOT NULL,
      registered_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS score_entries (
      entry_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, rule_code TEXT NOT NULL, direction TEXT NOT NULL,
      points INTEGER NOT NULL, grade_cap TEXT, severity TEXT NOT NULL, occurred_at TEXT NOT NULL,
      effective_until TEXT NOT NULL, scheme_version TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS score_entries_by_subject ON score_entries (subject_id, occurred_at);
  `);
  const insertSubject = db.prepare(
    `INSERT OR IGNORE INTO score_subjects (subject_id, kind, adult_from, baseline, registered_at)
     VALUES (@subjectId, @kind, @adultFrom, @baseline, @registeredAt)`,
  );
  const insertEntry = db.prepare(
    `INSERT OR IGNORE INTO score_entries (entry_id, subject_id, rule_code, direction, points, grade_cap, severity,
       occurred_at, effective_until, scheme_version)
     VALUES (@entryId, @subjectId, @ruleCode, @direction, @points, @gradeCap, @severity, @occurredAt,
       @effectiveUntil, @schemeVersion)`,
  );
  const selectSubject = db.prepare('SELECT * FROM score_subjects WHERE subject_id = ?');
  const selectEntries = db.prepare('SELECT * FROM score_entries WHERE subject_id = ? ORDER BY occurred_at, entry_id');

  const onRegistered = (data: SubjectRegistered, event: RecordedEvent): void => {
    insertSubject.run({ ...data, adultFrom: data.adultFrom ?? null, registeredAt: event.recordedAt.toISOString() });
  };
  const onEntryPosted = (data: EntryPosted): void => {
    insertEntry.run({ ...data, gradeCap: data.gradeCap ?? null });
  };

  return {
    name: 'scores',
    version: 1,
    reset() {
      db.exec('DELETE FROM score_subjects; DELETE FROM score_entries;');
    },
    apply(event) {
      if (!isLedgerEvent(event)) return;
      if (event.type === 'SubjectRegistered') onRegistered(event.data, event);
      if (event.type === 'EntryPosted') onEntryPosted(event.data);
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
      }));
    },
  };
};
