import type { Position, RecordedEvent } from '../events/eventStore';
import {
  isLedgerEvent,
  subjectStream,
  type EntryPosted,
  type EvidenceRef,
  type RecordedLedgerEvent,
} from '../events/ledgerEvents';

/**
 * A subject's history, oldest first: one item per event on its stream, each with the running balance:
 * the subject's baseline plus the points of every entry counting at that moment, as the ledger knew it.
 * An entry's effect ending (expiry, reversal, repair) is an item of its own with the points it takes away,
 * so the balance never changes behind the reader's back.
 *
 * A pure fold of the subject's own stream, read when asked for (the live history and the replay as of an
 * instant use the same fold). It is not kept as a projection: it would copy every event of the log into a
 * second table, which made it the largest part of a rebuild, while one subject's stream reads in well under a
 * millisecond.
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

/** Events that end an entry's effect, and the one that brings it back. */
const ending = new Set<RecordedLedgerEvent['type']>(['EntryReversed', 'EntryExpired', 'CreditRepairGranted']);
/** Endings for good: a reinstatement brings back a reversed entry, never an expired or repaired one. */
const final = new Set<RecordedLedgerEvent['type']>(['EntryExpired', 'CreditRepairGranted']);

const actorOf = (event: RecordedEvent): string => event.metadata.actorId ?? 'system';

/** What the fold keeps of each entry while it walks the stream: its points, whether it counts, whether it can again. */
type EntryLedger = Map<string, { points: number; effectiveUntil: string; counting: boolean; ended: boolean }>;

/**
 * The points the event adds to the balance, keeping track of which entries count. An entry counts from its posting
 * or reinstatement while its effect lasts, as the score counts it: one posted or reinstated after its effect ended
 * (conduct recorded late, an entry reversed and brought back after its period) adds nothing, and its expiry then
 * takes nothing away. Only a posting, an ending and a reinstatement move the balance: every other event (a proposal,
 * an approval or rejection, a notice, an objection upheld, a statement, a repair requested or refused) adds nothing.
 */
const pointsOf = (event: RecordedLedgerEvent, entries: EntryLedger, effectAt?: Date): number => {
  if (!('entryId' in event.data)) return 0;
  const { entryId } = event.data;
  const lasts = (effectiveUntil: string) => (effectAt ?? event.recordedAt) < new Date(effectiveUntil);
  if (event.type === 'EntryPosted') {
    const { points, effectiveUntil } = event.data;
    const counting = lasts(effectiveUntil);
    entries.set(entryId, { points, effectiveUntil, counting, ended: false });
    return counting ? points : 0;
  }
  const entry = entries.get(entryId);
  if (!entry) return 0;
  if (ending.has(event.type)) {
    if (final.has(event.type)) entry.ended = true;
    if (!entry.counting) return 0;
    entry.counting = false;
    return -entry.points;
  }
  if (event.type === 'EntryReinstated' && !entry.counting && !entry.ended && lasts(entry.effectiveUntil)) {
    entry.counting = true;
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
    case 'EntryReinstatementProposed': {
      // Told as its reinstatement will be once approved: the entry's judged fields are in its earlier items.
      const { entryId, evidence, reinstatedBy, reasons } = event.data;
      return { ...base, occurredAt: recordedAt, evidence, entryId, details: { evidence, reinstatedBy, reasons } };
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

/**
 * The subject's history from the events of its stream (others, such as listings naming it, are not its history).
 * An entry counts while its effect lasts at each event's recording, or at `effectAt` when given (the record as valid
 * at one instant, historyAsOf.ts).
 */
export const historyOf = (events: readonly RecordedEvent[], subjectId: string, effectAt?: Date): HistoryItem[] => {
  const entries: EntryLedger = new Map();
  const items: HistoryItem[] = [];
  let balance = 0;
  for (const event of events) {
    if (!isLedgerEvent(event) || !('subjectId' in event.data) || event.data.subjectId !== subjectId) continue;
    if (event.streamName !== subjectStream(subjectId)) continue;
    if (event.type === 'SubjectRegistered') {
      balance = event.data.baseline;
      items.push(itemOf(event, 0, balance));
      continue;
    }
    const points = pointsOf(event, entries, effectAt);
    balance += points;
    items.push(itemOf(event, points, balance));
  }
  return items;
};
