import type { Database } from 'better-sqlite3';
import type { Position, FoldedEvent } from '../events/eventStore';
import type { EntryProposed, EntryReinstatementProposed, EvidenceRef } from '../events/ledgerEvents';
import { foldByType, type Projection, type ReadIndex } from './projection';

/**
 * The approvers' queue (four eyes): every entry proposed for a second person's approval, every reinstatement of a
 * reversed entry that needs one, and what became of each. An entry has at most one awaiting approval at a time, which
 * its approval or rejection decides; it may have several over its life (its recording, then each reinstatement).
 */

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/** What awaits approval: the entry itself, as recorded, or its reinstatement after a reversal. */
export type ApprovalKind = 'entry' | 'reinstatement';

export interface ApprovalItem {
  kind: ApprovalKind;
  entryId: string;
  subjectId: string;
  ruleCode: string;
  points: number;
  gradeCap?: string;
  severity: string;
  occurredAt: string;
  recordedBy: string;
  authority: string;
  /** What the second person approves on: the entry's evidence as recorded, or the new evidence of its reinstatement. */
  evidence: EvidenceRef[];
  /** Who proposed the reinstatement (kind reinstatement): never its approver. */
  reinstatedBy?: string;
  /** Why the reinstater brings the entry back (kind reinstatement). */
  reasons?: string;
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
  /** The subject of a proposed entry (or of one whose reinstatement was proposed). */
  subjectOfEntry(entryId: string): string | undefined;
}

const readIndexes: ReadIndex[] = [{ name: 'approvals_by_status', on: 'approvals (status, position)' }];

export const createApprovalsProjection = (db: Database): Projection & ApprovalsReadModel => {
  // One row per proposal: its entry, and the position of the event that proposed it.
  const createTable = `
    CREATE TABLE IF NOT EXISTS approvals (
      entry_id TEXT NOT NULL, position TEXT NOT NULL, subject_id TEXT NOT NULL, status TEXT NOT NULL,
      item TEXT NOT NULL, PRIMARY KEY (entry_id, position));
  `;
  db.exec(createTable);
  const insert = db.prepare(
    "INSERT OR IGNORE INTO approvals (entry_id, position, subject_id, status, item) VALUES (?, ?, ?, 'pending', ?)",
  );
  const selectPending = db.prepare("SELECT position, item FROM approvals WHERE entry_id = ? AND status = 'pending'");
  const decide = db.prepare('UPDATE approvals SET status = ?, item = ? WHERE entry_id = ? AND position = ?');
  const selectPage = db.prepare(
    'SELECT item FROM approvals WHERE status = ? AND position > ? ORDER BY position LIMIT ?',
  );
  const selectSubject = db.prepare('SELECT subject_id FROM approvals WHERE entry_id = ? LIMIT 1');

  const onProposed = (
    kind: ApprovalKind,
    data: EntryProposed | EntryReinstatementProposed,
    event: FoldedEvent,
  ): void => {
    const item: ApprovalItem = {
      kind,
      entryId: data.entryId,
      subjectId: data.subjectId,
      ruleCode: data.ruleCode,
      points: data.points,
      ...(data.gradeCap ? { gradeCap: data.gradeCap } : {}),
      severity: data.severity,
      occurredAt: data.occurredAt,
      recordedBy: data.recordedBy,
      authority: data.authority,
      evidence: data.evidence,
      ...('reinstatedBy' in data ? { reinstatedBy: data.reinstatedBy, reasons: data.reasons } : {}),
      proposedAt: event.recordedAt.toISOString(),
      status: 'pending',
      position: event.position,
    };
    insert.run(data.entryId, event.position, data.subjectId, JSON.stringify(item));
  };
  /** Decides what awaits approval on the entry; a decision offered again finds nothing pending. */
  const onDecided = (entryId: string, status: ApprovalStatus, decidedBy: string, reason?: string): void => {
    const row = selectPending.get(entryId) as { position: string; item: string } | undefined;
    if (!row) return;
    const item = { ...(JSON.parse(row.item) as ApprovalItem), status, decidedBy, ...(reason ? { reason } : {}) };
    decide.run(status, JSON.stringify(item), entryId, row.position);
  };

  return {
    name: 'approvals',
    // 2: reinstatements that need four eyes are proposed too; a row is keyed by its entry and its proposal's position.
    // 3: an item carries the evidence to approve on, and a reinstatement its reasons.
    version: 3,
    readIndexes,
    reset() {
      // Made anew: a table of version 1 was keyed by the entry alone, and the items of version 2 lack the evidence (its
      // columns are the same, so the statements above serve any until the runner rebuilds this projection from zero).
      db.exec(`DROP TABLE IF EXISTS approvals; ${createTable}`);
    },
    ...foldByType({
      EntryProposed: (event) => onProposed('entry', event.data, event),
      EntryReinstatementProposed: (event) => onProposed('reinstatement', event.data, event),
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
