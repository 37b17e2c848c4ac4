import type { Database } from 'better-sqlite3';
import type { Position, RecordedEvent } from '../events/eventStore';
import {
  isLedgerEvent,
  subjectStream,
  type EntryPosted,
  type EvidenceRef,
  type RecordedLedgerEvent,
} from '../events/ledgerEvents';
import type { Projection } from './projection';

/**
 * A subject's history, oldest first: one item per event on its stream, each with the running balance:
 * the subject's baseline plus the points of every entry counting at that moment, as the ledger knew it.
 * An entry's effect ending (expiry, reversal, repair) is an item of its own with the points it takes away,
 * so the balance never changes behind the reader's back.
 */

export interface HistoryItem {
  position: Position;
  type: RecordedLedgerEvent['type'];
  occurredAt: string;
  recordedAt: string;
  /** The change to the balance this item made. */
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
  /** What else the event says: a reason, a notice, a statement, the objection or repair it belongs to. */
  details?: Record<string, unknown>;
  /** Shown at read time while an objection to the entry is pending. */
  disputed?: boolean;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** Pass as `after` to read the next page; null on the last page. */
  next: Position | null;
}

export interface HistoryReadModel {
  page(subjectId: string, options: { after?: Position; limit: number }): HistoryPage;
}

/** Events that do not change what counts: their items carry no points. */
const withoutPoints = new Set<RecordedLedgerEvent['type']>([
  'EntryProposed',
  'EntryApproved',
  'EntryRejected',
  'SubjectNotified',
  'EntryUpheld',
  'StatementOfDisputeAdded',
  'CreditRepairRequested',
  'CreditRepairRefused',
]);

/** Events that end an entry's effect, and the one that brings it back. */
const ending = new Set<RecordedLedgerEvent['type']>(['EntryReversed', 'EntryExpired', 'CreditRepairGranted']);

const actorOf = (event: RecordedEvent): string => event.metadata.actorId ?? 'system';

export const createHistoryProjection = (db: Database): Projection & HistoryReadModel => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS history_items (
      subject_id TEXT NOT NULL, position TEXT NOT NULL, balance INTEGER NOT NULL, item TEXT NOT NULL,
      PRIMARY KEY (subject_id, position)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS history_entries (
      entry_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, points INTEGER NOT NULL, counting INTEGER NOT NULL);
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
  const selectEntry = db.prepare('SELECT points, counting FROM history_entries WHERE entry_id = ?');
  const saveEntry = db.prepare(
    `INSERT INTO history_entries (entry_id, subject_id, points, counting) VALUES (?, ?, ?, ?)
     ON CONFLICT (entry_id) DO UPDATE SET counting = excluded.counting`,
  );

  const balanceOf = (subjectId: string): number =>
    (selectBalance.get(subjectId) as { balance: number } | undefined)?.balance ?? 0;

  /** The points the event adds to the balance, keeping track of which entries count. */
  const pointsOf = (event: RecordedLedgerEvent): number => {
    if (withoutPoints.has(event.type) || !('entryId' in event.data)) return 0;
    const { entryId, subjectId } = event.data;
    if (event.type === 'EntryPosted') {
      saveEntry.run(entryId, subjectId, event.data.points, 1);
      return event.data.points;
    }
    const entry = selectEntry.get(entryId) as { points: number; counting: number } | undefined;
    if (!entry) return 0;
    if (ending.has(event.type) && entry.counting === 1) {
      saveEntry.run(entryId, subjectId, entry.points, 0);
      return -entry.points;
    }
    if (event.type === 'EntryReinstated' && entry.counting === 0) {
      saveEntry.run(entryId, subjectId, entry.points, 1);
      return entry.points;
    }
    return 0;
  };

  const itemOf = (event: RecordedLedgerEvent, points: number, balance: number): HistoryItem => {
    const recordedAt = event.recordedAt.toISOString();
    const base = {
      position: event.position,
      type: event.type,
      recordedAt,
      points,
      balance,
      recordedBy: actorOf(event),
    };
    switch (event.type) {
      case 'SubjectRegistered':
        return { ...base, occurredAt: recordedAt, recordedBy: event.data.registeredBy, evidence: [] };
      case 'EntryProposed':
      case 'EntryPosted': {
        const { entryId, ruleCode, direction, gradeCap, severity, effectiveUntil, narrative, schemeVersion, evidence } =
          event.data;
        const extra = {
          ...(event.type === 'EntryPosted' && event.data.approvedBy ? { approvedBy: event.data.approvedBy } : {}),
          ...(event.data.amends ? { amends: event.data.amends } : {}),
        };
        return {
          ...base,
          occurredAt: event.data.occurredAt,
          recordedBy: event.data.recordedBy,
          evidence,
          schemeVersion,
          entryId,
          ruleCode,
          direction,
          ...(gradeCap ? { gradeCap } : {}),
          severity,
          effectiveUntil,
          ...(narrative ? { narrative } : {}),
          ...(Object.keys(extra).length > 0 ? { details: extra } : {}),
        };
      }
      default: {
        const {
          subjectId: _subject,
          entryId,
          ...details
        } = event.data as unknown as { subjectId: string; entryId: string } & Record<string, unknown>;
        const evidence = (details.evidence ?? details.proof ?? []) as EvidenceRef[];
        const occurredAt = event.type === 'EntryExpired' ? event.data.expiredAt : recordedAt;
        return { ...base, occurredAt, evidence, entryId, details };
      }
    }
  };

  return {
    name: 'history',
    version: 1,
    reset() {
      db.exec('DELETE FROM history_items; DELETE FROM history_entries;');
    },
    apply(event) {
      // Only the subject's own stream: listings also name a subject, but are not its history.
      if (!isLedgerEvent(event) || !('subjectId' in event.data)) return;
      if (event.streamName !== subjectStream(event.data.subjectId)) return;
      const subjectId = event.data.subjectId;
      if (event.type === 'SubjectRegistered') {
        const baseline = event.data.baseline;
        insertItem.run(subjectId, event.position, baseline, JSON.stringify(itemOf(event, 0, baseline)));
        return;
      }
      const points = pointsOf(event);
      const balance = balanceOf(subjectId) + points;
      insertItem.run(subjectId, event.position, balance, JSON.stringify(itemOf(event, points, balance)));
    },
    page(subjectId, { after = '', limit }) {
      const rows = selectPage.all(subjectId, after, limit + 1) as { position: string; item: string }[];
      const items = rows.slice(0, limit).map((row) => JSON.parse(row.item) as HistoryItem);
      return { items, next: rows.length > limit ? (items.at(-1)?.position ?? null) : null };
    },
  };
};
