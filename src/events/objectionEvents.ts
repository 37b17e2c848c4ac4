import type { EvidenceRef, Reinstatement } from './ledgerEvents';

/**
 * The events of an objection's stream (`objection-<objectionId>`): a subject disputes one entry, the
 * entry's recorder is asked for evidence, an appeal officer decides within the deadline or the entry is
 * reversed automatically, and the subject may ask a senior officer to reconsider (reference/domain.md B6).
 * Each has a JSON Schema at schemas/events/<type>.json. Deadlines are recorded as instants when they are
 * set, so that a later change of the scheme or the calendar never moves one already running.
 */

/** First instance: the entry stands (upheld, frivolous), is replaced (amended), or goes (reversed, unverifiable). */
export const objectionOutcomes = ['upheld', 'amended', 'reversed', 'unverifiable', 'frivolous'] as const;
export type ObjectionOutcome = (typeof objectionOutcomes)[number];

export const reconsiderationOutcomes = ['confirmed', 'reversed', 'amended'] as const;
export type ReconsiderationOutcome = (typeof reconsiderationOutcomes)[number];

/**
 * Filing asks the entry's recorder for the evidence behind it, due `evidenceDueBy` (no separate event: the
 * request is part of the filing). The recorder and approver are copied from the entry, and whoever reinstated it
 * or approved a reinstatement, since the officer who decides must be none of them.
 */
export interface ObjectionFiled {
  objectionId: string;
  subjectId: string;
  entryId: string;
  grounds: string;
  /** What the subject brings with the objection; may be none. */
  evidence: EvidenceRef[];
  filedBy: string;
  filedAt: string;
  recorderId: string;
  approverId?: string;
  /** Who brought the entry back after a reversal, and who approved that, each time; absent if never reinstated. */
  reinstatements?: Reinstatement[];
  /** The officials of the entries an amendment replaced by this one; absent if it amends none. */
  formerOfficials?: string[];
  /** The scheme version whose due-process periods run this objection to its end. */
  schemeVersion: string;
  evidenceDueBy: string;
  decisionDueBy: string;
}

export interface RecorderEvidenceSubmitted {
  objectionId: string;
  evidence: EvidenceRef[];
  by: string;
}

/** New information from the subject: the only ground on which the decision deadline may be extended. */
export interface SubjectEvidenceAdded {
  objectionId: string;
  evidence: EvidenceRef[];
  by: string;
}

export interface ObjectionDeadlineExtended {
  objectionId: string;
  newDecisionDueBy: string;
  by: string;
}

export interface ObjectionDecided {
  objectionId: string;
  outcome: ObjectionOutcome;
  reasons: string;
  decidedBy: string;
  decidedAt: string;
  /** Amended: the points and/or rule the entry is replaced with, and the replacement's id once posted. */
  points?: number;
  ruleCode?: string;
  amendedEntryId?: string;
  /** Until when the subject may ask for reconsideration: only after an outcome against them. */
  reconsiderationDueBy?: string;
}

/** No decision in time: the entry is reversed in the subject's favour. */
export interface ObjectionAutoReversed {
  objectionId: string;
  reason: 'deadlineMissed';
  dueBy: string;
  /** When the reversal was carried out: after downtime, later than dueBy. */
  at: string;
}

export interface ReconsiderationRequested {
  objectionId: string;
  grounds: string;
  by: string;
  requestedAt: string;
  decisionDueBy: string;
}

export interface ReconsiderationDecided {
  objectionId: string;
  outcome: ReconsiderationOutcome;
  reasons: string;
  decidedBy: string;
  decidedAt: string;
  points?: number;
  ruleCode?: string;
  amendedEntryId?: string;
}

export interface ReconsiderationAutoReversed {
  objectionId: string;
  reason: 'deadlineMissed';
  dueBy: string;
  at: string;
}

export type ObjectionEventMap = {
  ObjectionFiled: ObjectionFiled;
  RecorderEvidenceSubmitted: RecorderEvidenceSubmitted;
  SubjectEvidenceAdded: SubjectEvidenceAdded;
  ObjectionDeadlineExtended: ObjectionDeadlineExtended;
  ObjectionDecided: ObjectionDecided;
  ObjectionAutoReversed: ObjectionAutoReversed;
  ReconsiderationRequested: ReconsiderationRequested;
  ReconsiderationDecided: ReconsiderationDecided;
  ReconsiderationAutoReversed: ReconsiderationAutoReversed;
};

export const objectionEventTypes = [
  'ObjectionFiled',
  'RecorderEvidenceSubmitted',
  'SubjectEvidenceAdded',
  'ObjectionDeadlineExtended',
  'ObjectionDecided',
  'ObjectionAutoReversed',
  'ReconsiderationRequested',
  'ReconsiderationDecided',
  'ReconsiderationAutoReversed',
] as const satisfies readonly (keyof ObjectionEventMap)[];
