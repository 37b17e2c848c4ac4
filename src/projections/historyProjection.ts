import type { Database } from 'better-sqlite3';
import type { Position, RecordedEvent } from '../events/eventStore';
import { isLedgerEvent, type EntryPosted, type EvidenceRef, type SubjectRegistered } from '../events/ledgerEvents';
import type { Projection } from './projection';

/**
 * A subject's history, oldest first: one item per event on its stream, each with the running balance
 * (the subject's baseline plus every point posted so far; expiries and reversals will appear as items of
 * their own, so the balance never changes behind the reader's back).
 */

export interface HistoryItem {
  position: Position;
  type: 'SubjectRegistered' | 'EntryPosted';
  occurredAt: string;
  recordedAt: string;
  points: number;
  balance: number;
  recordedBy: string;
  evidence: EvidenceRef[];
  schemeVersion?: string;
  entryId?: string;
  ruleCode?: string;
  direction?: EntryPosted['direction'];
  gradeCap?: EntryPosted['gradeCap'];
  severity?: EntryPosted['severity'];
  effectiveUntil?: string;
  narrative?: string;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** Pass as `after` to read the next page; null on the last page. */
  next: Position | null;
}

export interface HistoryReadModel {
  page(subjectId: string, options: { after?: Position; limit: number }): HistoryPage;
}

export const createHistoryProjection = (db: Database): Projection & HistoryReadModel => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS history_items (
      subject_id TEXT NOT NULL, position TEXT NOT NULL, balance INTEGER NOT NULL, item TEXT NOT NULL,
      PRIMARY KEY (subject_id, position)) WITHOUT ROWID;
  `);
  const insertItem = db.prepare(
    'INSERT OR IGNORE INTO history_items (subject_id, position, balance, item) VALUES (?, ?, ?, ?)',
  );
  const selectBalance = db.prepare(
    'SELECT balance FROM history_items WHERE subject_id = ? ORDER BY position DESC LIMIT 1',
  );
  const selectPage = db.prepare(
    'SELECT position, item FROM history_items WHERE subject_id = ? AND position > ? ORDER BY position LIMIT ?',
  );

  const store = (subjectId: string, item: HistoryItem): void => {
    insertItem.run(subjectId, item.position, item.balance, JSON.stringify(item));
  };
  const balanceOf = (subjectId: string): number =>
    (selectBalance.get(subjectId) as { balance: number } | undefined)?.balance ?? 0;

  const onRegistered = (data: SubjectRegistered, event: RecordedEvent): void => {
    const recordedAt = event.recordedAt.toISOString();
    store(data.subjectId, {
      position: event.position,
      type: 'SubjectRegistered',
      occurredAt: recordedAt,
      recordedAt,
      points: 0,
      balance: data.baseline,
      recordedBy: data.registeredBy,
      evidence: [],
    });
  };
  const onEntryPosted = (data: EntryPosted, event: RecordedEvent): void => {
    store(data.subjectId, {
      position: event.position,
      type: 'EntryPosted',
      occurredAt: data.occurredAt,
      recordedAt: event.recordedAt.toISOString(),
      points: data.points,
      balance: balanceOf(data.subjectId) + data.points,
      recordedBy: data.recordedBy,
      evidence: data.evidence,
      schemeVersion: data.schemeVersion,
      entryId: data.entryId,
      ruleCode: data.ruleCode,
      direction: data.direction,
      ...(data.gradeCap ? { gradeCap: data.gradeCap } : {}),
      severity: data.severity,
      effectiveUntil: data.effectiveUntil,
      ...(data.narrative ? { narrative: data.narrative } : {}),
    });
  };

  return {
    name: 'history',
    version: 1,
    reset() {
      db.exec('DELETE FROM history_items');
    },
    apply(event) {
      if (!isLedgerEvent(event)) return;
      if (event.type === 'SubjectRegistered') onRegistered(event.data, event);
      if (event.type === 'EntryPosted') onEntryPosted(event.data, event);
    },
    page(subjectId, { after = '', limit }) {
      const rows = selectPage.all(subjectId, after, limit + 1) as { position: string; item: string }[];
      const items = rows.slice(0, limit).map((row) => JSON.parse(row.item) as HistoryItem);
      return { items, next: rows.length > limit ? (items.at(-1)?.position ?? null) : null };
    },
  };
};
