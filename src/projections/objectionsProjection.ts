import type { Database, Statement } from 'better-sqlite3';
import type { Position } from '../events/eventStore';
import {
  isLedgerEvent,
  type EvidenceRef,
  type LedgerEvent,
  type FoldedLedgerEvent,
  type Reinstatement,
} from '../events/ledgerEvents';
import { objectionEventTypes, type ObjectionDecided, type ReconsiderationDecided } from '../events/objectionEvents';
import type { ObjectionStatus } from '../ledger/objection';
import { type Projection, type ReadIndex } from './projection';

/**
 * Objections as officers work them and subjects follow them: each objection's record with its deadline
 * clocks, the officers' queue, the entries in dispute (shown as `disputed` in a subject's history and score
 * explanation), and the decisions overdue, which the deadline sweeper reverses.
 *
 * An objection awaits a decision while `pending` (first instance) or `reconsidering`; `due_by` holds that
 * decision's deadline then, and is NULL otherwise. Whether a deadline has passed depends on the instant asked
 * about, so the overdue flags are computed at read time. Each objection remembers the position of the last
 * event applied to it, so applying an event twice changes nothing.
 */

export interface ObjectionRecord {
  objectionId: string;
  subjectId: string;
  entryId: string;
  status: ObjectionStatus;
  /** The officer who last acted on it (extended or decided); none before, nor while a reconsideration waits. */
  assignee?: string;
  grounds: string;
  evidence: EvidenceRef[];
  filedBy: string;
  filedAt: string;
  recorderId: string;
  approverId?: string;
  reinstatements?: Reinstatement[];
  formerOfficials?: string[];
  schemeVersion: string;
  evidenceDueBy: string;
  /** The first-instance decision's deadline, as filed or extended. */
  decisionDueBy: string;
  recorderEvidence: EvidenceRef[];
  /** Evidence the subject added after filing. */
  subjectEvidence: EvidenceRef[];
  extendedBy?: string;
  decision?: Omit<ObjectionDecided, 'objectionId'>;
  reconsideration?: {
    grounds: string;
    by: string;
    requestedAt: string;
    decisionDueBy: string;
    decision?: Omit<ReconsiderationDecided, 'objectionId'>;
  };
  autoReversal?: { stage: 'objection' | 'reconsideration'; dueBy: string; at: string };
  /** The position of the ObjectionFiled event: the queue's order. */
  position: Position;
}

/** What the officers' queue shows of an objection: who, which entry, where it stands, and its clocks. */
export interface ObjectionQueueItem {
  objectionId: string;
  subjectId: string;
  entryId: string;
  status: ObjectionStatus;
  assignee?: string;
  filedAt: string;
  evidenceDueBy: string;
  decisionDueBy: string;
  /** Until when the subject may ask for reconsideration, after a decision against them. */
  reconsiderationDueBy?: string;
  reconsiderationDecisionDueBy?: string;
  /** Pending, the recorder has sent nothing, and the evidence was due: the entry may be unverifiable. */
  evidenceOverdue: boolean;
  /** A decision is awaited and its deadline has passed: the sweeper reverses the entry. */
  decisionOverdue: boolean;
}

export interface ObjectionQueuePage {
  items: ObjectionQueueItem[];
  /** Pass as `after` for the next page; null on the last. */
  next: Position | null;
}

/** An objection whose awaited decision is overdue, for the sweeper. */
export interface DueObjection {
  objectionId: string;
  subjectId: string;
  entryId: string;
  stage: 'objection' | 'reconsideration';
  dueBy: string;
}

/** Where a sweep stopped: the sweeper's next batch starts after it, in deadline order. */
export type DueCursor = Pick<DueObjection, 'dueBy' | 'objectionId'>;

export interface ObjectionQueueQuery {
  /** For the overdue flags. */
  at: Date;
  status?: ObjectionStatus;
  assignee?: string;
  /** Only objections awaiting a decision due before this instant. */
  dueBefore?: Date;
  after?: Position;
  limit: number;
}

export interface ObjectionsReadModel {
  queue(query: ObjectionQueueQuery): ObjectionQueuePage;
  objection(objectionId: string): ObjectionRecord | undefined;
  /**
   * The entries of the subject with an objection or reconsideration awaiting a decision: `disputed`. Now, or at a past
   * instant `at`, for a replay of what the ledger showed then.
   */
  openEntryIds(subjectId: string, at?: Date): string[];
  /** Awaited decisions due at or before `now`, earliest deadline first, after the cursor. */
  dueForAutoReversal(now: Date, limit: number, after?: DueCursor): DueObjection[];
}

const queueFilters = ['status', 'assignee', 'dueBefore'] as const;
type QueueFilter = (typeof queueFilters)[number];
const queueFilterSql: Record<QueueFilter, string> = {
  status: 'status = @status',
  assignee: 'assignee = @assignee',
  dueBefore: 'due_by < @dueBefore',
};

interface ObjectionRow {
  last_position: string;
  record: string;
}

/**
 * The entry the objection awaited a decision on at `at`, if it awaited one then: from its filing to its decision (or
 * its reversal for a missed deadline), then, once asked, from the request for reconsideration to that decision, on the
 * entry the first decision put in place.
 */
const awaitedAt = (record: ObjectionRecord, at: string): string | undefined => {
  const autoReversedBy = (stage: 'objection' | 'reconsideration'): boolean =>
    record.autoReversal?.stage === stage && record.autoReversal.at <= at;
  if (record.filedAt > at) return undefined;
  const decidedBy = record.decision !== undefined && record.decision.decidedAt <= at;
  if (!decidedBy) return autoReversedBy('objection') ? undefined : record.entryId;
  const request = record.reconsideration;
  if (request === undefined || request.requestedAt > at) return undefined;
  if ((request.decision !== undefined && request.decision.decidedAt <= at) || autoReversedBy('reconsideration'))
    return undefined;
  return record.decision?.amendedEntryId ?? record.entryId;
};

/** The entry the objection bears on now: the replacement, once a decision amended the one objected to. */
const entryBorneOn = (record: ObjectionRecord): string =>
  record.reconsideration?.decision?.amendedEntryId ?? record.decision?.amendedEntryId ?? record.entryId;

/** The deadline of the decision the objection awaits, if it awaits one. */
const dueByOf = (record: ObjectionRecord): string | undefined => {
  if (record.status === 'pending') return record.decisionDueBy;
  if (record.status === 'reconsidering') return record.reconsideration?.decisionDueBy;
  return undefined;
};

const queueItemOf = (record: ObjectionRecord, at: Date): ObjectionQueueItem => {
  const instant = at.toISOString();
  const dueBy = dueByOf(record);
  return {
    objectionId: record.objectionId,
    subjectId: record.subjectId,
    entryId: record.entryId,
    status: record.status,
    ...(record.assignee ? { assignee: record.assignee } : {}),
    filedAt: record.filedAt,
    evidenceDueBy: record.evidenceDueBy,
    decisionDueBy: record.decisionDueBy,
    ...(record.decision?.reconsiderationDueBy ? { reconsiderationDueBy: record.decision.reconsiderationDueBy } : {}),
    ...(record.reconsideration ? { reconsiderationDecisionDueBy: record.reconsideration.decisionDueBy } : {}),
    evidenceOverdue:
      record.status === 'pending' && record.recorderEvidence.length === 0 && record.evidenceDueBy <= instant,
    decisionOverdue: dueBy !== undefined && dueBy <= instant,
  };
};

/** How each event after the filing changes the record. */
const change = (record: ObjectionRecord, event: LedgerEvent): ObjectionRecord => {
  switch (event.type) {
    case 'RecorderEvidenceSubmitted':
      return { ...record, recorderEvidence: [...record.recorderEvidence, ...event.data.evidence] };
    case 'SubjectEvidenceAdded':
      return { ...record, subjectEvidence: [...record.subjectEvidence, ...event.data.evidence] };
    case 'ObjectionDeadlineExtended':
      return {
        ...record,
        decisionDueBy: event.data.newDecisionDueBy,
        extendedBy: event.data.by,
        assignee: event.data.by,
      };
    case 'ObjectionDecided': {
      const { objectionId: _objection, ...decision } = event.data;
      return { ...record, status: 'decided', decision, assignee: decision.decidedBy };
    }
    case 'ObjectionAutoReversed':
      return { ...record, status: 'autoReversed', autoReversal: { stage: 'objection', ...timesOf(event.data) } };
    case 'ReconsiderationRequested': {
      const { objectionId: _objection, ...request } = event.data;
      // The first officer may not reconsider: the reconsideration waits for a senior officer to take it.
      const { assignee: _first, ...rest } = record;
      return { ...rest, status: 'reconsidering', reconsideration: request };
    }
    case 'ReconsiderationDecided': {
      const { objectionId: _objection, ...decision } = event.data;
      return {
        ...record,
        status: 'reconsidered',
        assignee: decision.decidedBy,
        reconsideration: { ...(record.reconsideration as NonNullable<ObjectionRecord['reconsideration']>), decision },
      };
    }
    case 'ReconsiderationAutoReversed':
      return {
        ...record,
        status: 'autoReversed',
        autoReversal: { stage: 'reconsideration', ...timesOf(event.data) },
      };
    default:
      return record;
  }
};

const timesOf = ({ dueBy, at }: { dueBy: string; at: string }) => ({ dueBy, at });

// Instants are stored as toISOString() text, whose order is their order in time. The partial indexes hold only
// objections awaiting a decision: the disputed entries and the sweep never look at the others.
const readIndexes: ReadIndex[] = [
  { name: 'objections_by_status', on: 'objections (status, position)' },
  { name: 'objections_by_assignee', on: 'objections (assignee, position) WHERE assignee IS NOT NULL' },
  { name: 'objections_awaiting_by_due', on: 'objections (due_by, objection_id) WHERE due_by IS NOT NULL' },
  { name: 'objections_awaiting_by_subject', on: 'objections (subject_id) WHERE due_by IS NOT NULL' },
  // Every objection of a subject, for the ones awaiting a decision at a past instant (a replay).
  { name: 'objections_by_subject', on: 'objections (subject_id, position)' },
];

export const createObjectionsProjection = (db: Database): Projection & ObjectionsReadModel => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS objections (
      objection_id TEXT PRIMARY KEY, position TEXT NOT NULL UNIQUE, subject_id TEXT NOT NULL, entry_id TEXT NOT NULL,
      status TEXT NOT NULL, assignee TEXT, due_by TEXT, last_position TEXT NOT NULL, record TEXT NOT NULL);
  `);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO objections (objection_id, position, subject_id, entry_id, status, due_by, last_position, record)
     VALUES (@objectionId, @position, @subjectId, @entryId, 'pending', @decisionDueBy, @position, @record)`,
  );
  const selectRow = db.prepare('SELECT last_position, record FROM objections WHERE objection_id = ?');
  const update = db.prepare(
    `UPDATE objections SET entry_id = @entryId, status = @status, assignee = @assignee, due_by = @dueBy,
       last_position = @lastPosition, record = @record
     WHERE objection_id = @objectionId`,
  );
  // One statement per combination of filters, prepared when first asked for, so that each uses its index.
  const queueStatements = new Map<string, Statement>();
  const queueStatement = (filters: readonly QueueFilter[]): Statement => {
    const key = filters.join(',');
    let statement = queueStatements.get(key);
    if (!statement) {
      const where = ['position > @after', ...filters.map((filter) => queueFilterSql[filter])].join(' AND ');
      statement = db.prepare(`SELECT record FROM objections WHERE ${where} ORDER BY position LIMIT @limit`);
      queueStatements.set(key, statement);
    }
    return statement;
  };
  const selectOfSubject = db.prepare('SELECT record FROM objections WHERE subject_id = ? ORDER BY position');
  const selectOpenEntries = db.prepare(
    'SELECT DISTINCT entry_id FROM objections WHERE subject_id = ? AND due_by IS NOT NULL ORDER BY entry_id',
  );
  const selectDue = db.prepare(
    `SELECT objection_id, subject_id, entry_id, status, due_by FROM objections
     WHERE due_by IS NOT NULL AND due_by <= @now AND (due_by, objection_id) > (@afterDueBy, @afterId)
     ORDER BY due_by, objection_id LIMIT @limit`,
  );

  const onFiled = (event: Extract<FoldedLedgerEvent, { type: 'ObjectionFiled' }>): void => {
    const { data } = event;
    const record: ObjectionRecord = {
      ...data,
      status: 'pending',
      recorderEvidence: [],
      subjectEvidence: [],
      position: event.position,
    };
    insert.run({ ...data, position: event.position, record: JSON.stringify(record) });
  };

  /** Applies the event to its objection's record, unless this event (or a later one) was applied already. */
  const onLater = (objectionId: string, event: FoldedLedgerEvent): void => {
    const row = selectRow.get(objectionId) as ObjectionRow | undefined;
    if (!row || row.last_position >= event.position) return;
    const record = change(JSON.parse(row.record) as ObjectionRecord, event);
    update.run({
      objectionId,
      entryId: entryBorneOn(record),
      status: record.status,
      assignee: record.assignee ?? null,
      dueBy: dueByOf(record) ?? null,
      lastPosition: event.position,
      record: JSON.stringify(record),
    });
  };

  return {
    name: 'objections',
    // 2: entry_id follows the entry the objection bears on, the replacement once a decision amended the original.
    // 3: an index of every objection by subject, for the entries disputed at a past instant.
    version: 3,
    readIndexes,
    eventTypes: objectionEventTypes,
    reset() {
      db.exec('DELETE FROM objections;');
    },
    apply(event) {
      if (!isLedgerEvent(event)) return;
      if (event.type === 'ObjectionFiled') return onFiled(event);
      if (isLaterObjectionEvent(event)) onLater(event.data.objectionId, event);
    },
    queue({ at, status, assignee, dueBefore, after = '', limit }) {
      const filters = { status, assignee, dueBefore: dueBefore?.toISOString() };
      const given = queueFilters.filter((filter) => filters[filter] !== undefined);
      // One more than asked for tells whether there is a next page.
      const rows = queueStatement(given).all({ ...filters, after, limit: limit + 1 }) as { record: string }[];
      const records = rows.map((row) => JSON.parse(row.record) as ObjectionRecord);
      const shown = records.slice(0, limit);
      return {
        items: shown.map((record) => queueItemOf(record, at)),
        next: records.length > limit ? (shown.at(-1)?.position ?? null) : null,
      };
    },
    objection(objectionId) {
      const row = selectRow.get(objectionId) as ObjectionRow | undefined;
      return row && (JSON.parse(row.record) as ObjectionRecord);
    },
    openEntryIds(subjectId, at) {
      if (at === undefined)
        return (selectOpenEntries.all(subjectId) as { entry_id: string }[]).map((row) => row.entry_id);
      const awaited = (selectOfSubject.all(subjectId) as { record: string }[]).flatMap((row) => {
        const entryId = awaitedAt(JSON.parse(row.record) as ObjectionRecord, at.toISOString());
        return entryId === undefined ? [] : [entryId];
      });
      return [...new Set(awaited)].sort();
    },
    dueForAutoReversal(now, limit, after) {
      const rows = selectDue.all({
        now: now.toISOString(),
        afterDueBy: after?.dueBy ?? '',
        afterId: after?.objectionId ?? '',
        limit,
      }) as { objection_id: string; subject_id: string; entry_id: string; status: ObjectionStatus; due_by: string }[];
      return rows.map((row) => ({
        objectionId: row.objection_id,
        subjectId: row.subject_id,
        entryId: row.entry_id,
        stage: row.status === 'pending' ? 'objection' : 'reconsideration',
        dueBy: row.due_by,
      }));
    },
  };
};

/** The objection's events after its filing; each names its objection. */
const isLaterObjectionEvent = (
  event: FoldedLedgerEvent,
): event is FoldedLedgerEvent & { data: { objectionId: string } } =>
  event.type !== 'ObjectionFiled' && (objectionEventTypes as readonly string[]).includes(event.type);
