import type { Database } from 'better-sqlite3';
import type { Position, FoldedEvent } from '../events/eventStore';
import type { EntryProposed } from '../events/ledgerEvents';
import { foldByType, type Projection, type ReadIndex } from './projection';

/**
 * The approvers' queue (four eyes): every entry proposed for a second person's approval, and what became
 * of it.
 */

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface ApprovalItem {
  entryId: string;
  subjectId: string;
  ruleCode: string;
  points: number;
  gradeCap?: string;
  severity: string;
  occurredAt: string;
  recordedBy: string;
  authority: string;
  proposedAt: string;
  status: ApprovalStatus;
  decidedBy?: string;
  reason?: string;
  position: Position;
}

export interface ApprovalsReadModel {
  queue(options: { status: ApprovalStatus; after?: Position; limit: number }): {
    items: ApprovalItem[];
    next: Position | null;
  };
  /** The subject of a proposed entry. */
  subjectOfEntry(entryId: string): string | undefined;
}

const readIndexes: ReadIndex[] = [{ name: 'approvals_by_status', on: 'approvals (status, position)' }];

export const createApprovalsProjection = (db: Database): Projection & ApprovalsReadModel => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS approvals (
      entry_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, position TEXT NOT NULL, status TEXT NOT NULL,
      item TEXT NOT NULL);
  `);
  const insert = db.prepare(
    "INSERT OR IGNORE INTO approvals (entry_id, subject_id, position, status, item) VALUES (?, ?, ?, 'pending', ?)",
  );
  const select = db.prepare('SELECT item FROM approvals WHERE entry_id = ?');
  const decide = db.prepare('UPDATE approvals SET status = ?, item = ? WHERE entry_id = ?');
  const selectPage = db.prepare(
    'SELECT item FROM approvals WHERE status = ? AND position > ? ORDER BY position LIMIT ?',
  );
  const selectSubject = db.prepare('SELECT subject_id FROM approvals WHERE entry_id = ?');

  const onProposed = (data: EntryProposed, event: FoldedEvent): void => {
    const item: ApprovalItem = {
      entryId: data.entryId,
      subjectId: data.subjectId,
      ruleCode: data.ruleCode,
      points: data.points,
      ...(data.gradeCap ? { gradeCap: data.gradeCap } : {}),
      severity: data.severity,
      occurredAt: data.occurredAt,
      recordedBy: data.recordedBy,
      authority: data.authority,
      proposedAt: event.recordedAt.toISOString(),
      status: 'pending',
      position: event.position,
    };
    insert.run(data.entryId, data.subjectId, event.position, JSON.stringify(item));
  };
  const onDecided = (entryId: string, status: ApprovalStatus, decidedBy: string, reason?: string): void => {
    const row = select.get(entryId) as { item: string } | undefined;
    if (!row) return;
    const item = { ...(JSON.parse(row.item) as ApprovalItem), status, decidedBy, ...(reason ? { reason } : {}) };
    decide.run(status, JSON.stringify(item), entryId);
  };

  return {
    name: 'approvals',
    version: 1,
    readIndexes,
    reset() {
      db.exec('DELETE FROM approvals');
    },
    ...foldByType({
      EntryProposed: (event) => onProposed(event.data, event),
      EntryApproved: ({ data }) => onDecided(data.entryId, 'approved', data.approvedBy, data.reason),
      EntryRejected: ({ data }) => onDecided(data.entryId, 'rejected', data.rejectedBy, data.reason),
    }),
    queue({ status, after = '', limit }) {
      const rows = selectPage.all(status, after, limit + 1) as { item: string }[];
      const items = rows.slice(0, limit).map((row) => JSON.parse(row.item) as ApprovalItem);
      return { items, next: rows.length > limit ? (items.at(-1)?.position ?? null) : null };
    },
    subjectOfEntry: (entryId) => (selectSubject.get(entryId) as { subject_id: string } | undefined)?.subject_id,
  };
};
