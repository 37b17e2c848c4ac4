import type { EvidenceRef, LedgerEvent } from '../events/ledgerEvents';
import type {
  ObjectionAutoReversed,
  ObjectionDecided,
  ObjectionFiled,
  ObjectionOutcome,
  ReconsiderationAutoReversed,
  ReconsiderationDecided,
  ReconsiderationOutcome,
  ReconsiderationRequested,
} from '../events/objectionEvents';
import { LedgerConflict, LedgerForbidden, LedgerRuleViolation } from './errors';
import type { EntryFacts } from './ledger';
import type { DueProcess } from './scheme';
import type { SchemeBook } from './schemeBook';
import { requireIndependentOfEntry, type Actor, type EntryOfficials } from './separationOfDuties';
import { addDays, addWorkingDays, type WorkingDayCalendar } from './workingDays';

/**
 * The objection decider: one stream per objection to one entry (reference/domain.md B6, FCRA §1681i).
 * Pure: `decideObjection(command, state, context)` returns events or throws; `evolveObjection` folds one event.
 *
 * The life of an objection, and the rules at each step:
 * - filed by the entry's subject, on an entry in effect, while no other objection to it is open; filing asks
 *   the recorder for evidence, due `evidenceRequestWorkingDays` working days later, and sets the decision due
 *   `objectionDecisionDays` days later;
 * - the recorder may submit evidence until it is due; the subject may add evidence until the decision is due;
 * - an appeal officer independent of the entry (separationOfDuties.ts: not its recorder or approver, nor whoever
 *   reinstated it or approved a reinstatement, nor its subject) may extend the deadline once, by
 *   `objectionExtensionDays` and only after the subject added evidence, and decides with reasons, before the
 *   deadline; at the deadline the entry is reversed instead (ReverseMissedDeadline, the scheduler's command);
 * - a subject who lost (upheld, frivolous, amended) may ask once, within `reconsiderationRequestWorkingDays`
 *   working days, for reconsideration by a senior appeal officer other than the first, who decides within
 *   `reconsiderationDecisionDays` days or the entry is reversed.
 * Deadlines are instants (see workingDays.ts): a step is in time strictly before its deadline.
 */

/** Where an objection stands. `pending` and `reconsidering` await an officer: the entry shows as disputed. */
export type ObjectionStatus = 'pending' | 'decided' | 'reconsidering' | 'reconsidered' | 'autoReversed';

export interface ObjectionState {
  filed?: ObjectionFiled;
  /** As filed, moved by the extension. */
  decisionDueBy?: string;
  subjectEvidenceAdded: boolean;
  extended: boolean;
  decision?: ObjectionDecided;
  autoReversal?: ObjectionAutoReversed;
  reconsiderationRequest?: ReconsiderationRequested;
  reconsideration?: ReconsiderationDecided;
  reconsiderationAutoReversal?: ReconsiderationAutoReversed;
}

export const initialObjectionState = (): ObjectionState => ({
  subjectEvidenceAdded: false,
  extended: false,
});

export const evolveObjection = (state: ObjectionState, event: LedgerEvent): ObjectionState => {
  switch (event.type) {
    case 'ObjectionFiled':
      return { ...state, filed: event.data, decisionDueBy: event.data.decisionDueBy };
    case 'SubjectEvidenceAdded':
      return { ...state, subjectEvidenceAdded: true };
    case 'ObjectionDeadlineExtended':
      return { ...state, extended: true, decisionDueBy: event.data.newDecisionDueBy };
    case 'ObjectionDecided':
      return { ...state, decision: event.data };
    case 'ObjectionAutoReversed':
      return { ...state, autoReversal: event.data };
    case 'ReconsiderationRequested':
      return { ...state, reconsiderationRequest: event.data };
    case 'ReconsiderationDecided':
      return { ...state, reconsideration: event.data };
    case 'ReconsiderationAutoReversed':
      return { ...state, reconsiderationAutoReversal: event.data };
    default:
      // The recorder's evidence is for the officer to weigh: no rule turns on it. Other streams' events never
      // reach an objection's.
      return state;
  }
};

export const statusOf = (state: ObjectionState): ObjectionStatus | undefined => {
  if (!state.filed) return undefined;
  if (state.autoReversal || state.reconsiderationAutoReversal) return 'autoReversed';
  if (state.reconsideration) return 'reconsidered';
  if (state.reconsiderationRequest) return 'reconsidering';
  return state.decision ? 'decided' : 'pending';
};

/** First-instance outcomes against the subject: the only ones they may ask to have reconsidered. */
const reconsiderableOutcomes: readonly ObjectionOutcome[] = ['upheld', 'frivolous', 'amended'];

/**
 * Open while a step remains in it: a decision awaited, or a reconsideration the subject may still ask for.
 * A second objection to the entry waits until then, so that it cannot bypass the reconsideration.
 */
export const isObjectionOpen = (state: ObjectionState, now: Date): boolean => {
  const status = statusOf(state);
  if (status === 'pending' || status === 'reconsidering') return true;
  const { decision } = state;
  return (
    status === 'decided' &&
    decision?.reconsiderationDueBy !== undefined &&
    now < new Date(decision.reconsiderationDueBy)
  );
};

/** The entry the objection now bears on: the replacement, once a decision amended the original. */
export const entryInEffect = (state: ObjectionState): string | undefined =>
  state.reconsideration?.amendedEntryId ?? state.decision?.amendedEntryId ?? state.filed?.entryId;

/** What an amendment asks for: new points, a new rule, or both. */
export interface Amendment {
  points?: number;
  ruleCode?: string;
}

export interface FileObjection {
  type: 'FileObjection';
  objectionId: string;
  /** The entry objected to, as the subject's stream has it now. */
  entry: EntryFacts;
  grounds: string;
  evidence: EvidenceRef[];
  filedBy: string;
}

/** Evidence from a party: the entry's recorder answering the request, or the subject adding to the objection. */
export interface SubmitEvidence {
  type: 'SubmitEvidence';
  objectionId: string;
  evidence: EvidenceRef[];
  by: string;
}

export interface ExtendDecisionDeadline {
  type: 'ExtendDecisionDeadline';
  objectionId: string;
  by: string;
}

export interface DecideObjection extends Amendment {
  type: 'DecideObjection';
  objectionId: string;
  outcome: ObjectionOutcome;
  reasons: string;
  decidedBy: string;
  /** Once the amendment is posted: the replacement's id, recorded with the decision. */
  amendedEntryId?: string;
}

export interface RequestReconsideration {
  type: 'RequestReconsideration';
  objectionId: string;
  grounds: string;
  by: string;
}

export interface DecideReconsideration extends Amendment {
  type: 'DecideReconsideration';
  objectionId: string;
  outcome: ReconsiderationOutcome;
  reasons: string;
  decidedBy: string;
  /** Whether the officer holds the senior rank (seniorAppealOfficer), above every first-instance officer. */
  senior: boolean;
  amendedEntryId?: string;
}

/** The scheduler's command: the decision (or reconsideration) due has not come, and the subject wins. */
export interface ReverseMissedDeadline {
  type: 'ReverseMissedDeadline';
  objectionId: string;
}

export type ObjectionCommand =
  | FileObjection
  | SubmitEvidence
  | ExtendDecisionDeadline
  | DecideObjection
  | RequestReconsideration
  | DecideReconsideration
  | ReverseMissedDeadline;

/** What the objection decider judges a command by, beside its state: the instant, schemes and calendar, who acts. */
export interface ObjectionDecisionContext extends Actor {
  now: Date;
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
}

export const decideObjection = (
  command: ObjectionCommand,
  state: ObjectionState,
  context: ObjectionDecisionContext,
): LedgerEvent[] => {
  if (command.type === 'FileObjection') return file(command, state, context);
  const filed = existingObjection(state, command.objectionId);
  switch (command.type) {
    case 'SubmitEvidence':
      return submitEvidence(command, state, filed, context);
    case 'ExtendDecisionDeadline':
      return extend(command, state, filed, context);
    case 'DecideObjection':
      return decide(command, state, filed, context);
    case 'RequestReconsideration':
      return requestReconsideration(command, state, filed, context);
    case 'DecideReconsideration':
      return decideReconsideration(command, state, filed, context);
    case 'ReverseMissedDeadline':
      return reverseMissedDeadline(state, filed, context);
    default:
      return assertNever(command);
  }
};

const file = (command: FileObjection, state: ObjectionState, context: ObjectionDecisionContext): LedgerEvent[] => {
  const { entry } = command;
  const { now } = context;
  if (state.filed) {
    if (isObjectionOpen(state, now)) {
      throw new LedgerRuleViolation(
        'objection-already-open',
        `entry ${entry.entryId} already has an open objection, ${state.filed.objectionId}`,
        { objectionId: state.filed.objectionId },
      );
    }
    // The objection this command was meant to follow closed while it ran: a retry files the next one.
    throw new LedgerConflict('concurrent-writes', `objection ${state.filed.objectionId} changed; try again`);
  }
  if (context.actorSubjectId !== entry.subjectId) {
    throw new LedgerForbidden(
      'not-the-subject',
      `only subject ${entry.subjectId} may object to entry ${entry.entryId}`,
    );
  }
  if (entry.status !== 'posted') {
    throw new LedgerRuleViolation('entry-not-in-effect', `entry ${entry.entryId} is ${entry.status}, not posted`, {
      entryStatus: entry.status,
    });
  }
  const scheme = context.schemes.forReading(now);
  const { evidenceRequestWorkingDays, objectionDecisionDays } = scheme.dueProcess;
  const filed: ObjectionFiled = {
    objectionId: command.objectionId,
    subjectId: entry.subjectId,
    entryId: entry.entryId,
    grounds: command.grounds,
    evidence: command.evidence,
    filedBy: command.filedBy,
    filedAt: now.toISOString(),
    recorderId: entry.recordedBy,
    ...(entry.approvedBy ? { approverId: entry.approvedBy } : {}),
    ...(entry.reinstatements.length > 0 ? { reinstatements: entry.reinstatements } : {}),
    ...(entry.formerOfficials.length > 0 ? { formerOfficials: entry.formerOfficials } : {}),
    schemeVersion: scheme.version,
    evidenceDueBy: addWorkingDays(context.calendar, now, evidenceRequestWorkingDays).toISOString(),
    decisionDueBy: addDays(context.calendar, now, objectionDecisionDays).toISOString(),
  };
  return [{ type: 'ObjectionFiled', data: filed }];
};

const submitEvidence = (
  command: SubmitEvidence,
  state: ObjectionState,
  filed: ObjectionFiled,
  { now, actorSubjectId }: ObjectionDecisionContext,
): LedgerEvent[] => {
  requirePending(state, filed);
  requireBefore(state.decisionDueBy as string, now, 'decision-deadline-passed', 'the decision');
  const { objectionId, evidence, by } = command;
  if (by === filed.recorderId) {
    requireBefore(filed.evidenceDueBy, now, 'evidence-request-closed', "the recorder's evidence");
    return [{ type: 'RecorderEvidenceSubmitted', data: { objectionId, evidence, by } }];
  }
  if (actorSubjectId === filed.subjectId) {
    return [{ type: 'SubjectEvidenceAdded', data: { objectionId, evidence, by } }];
  }
  throw new LedgerForbidden(
    'not-a-party',
    `evidence on objection ${objectionId} comes from the entry's recorder or from the subject`,
  );
};

const extend = (
  command: ExtendDecisionDeadline,
  state: ObjectionState,
  filed: ObjectionFiled,
  context: ObjectionDecisionContext,
): LedgerEvent[] => {
  const { now, schemes, calendar } = context;
  requirePending(state, filed);
  requireBefore(state.decisionDueBy as string, now, 'decision-deadline-passed', 'the decision');
  requireIndependentOfEntry(command.by, context, officialsOf(filed), 'extending the decision on an objection');
  if (state.extended) {
    throw new LedgerRuleViolation(
      'extension-already-granted',
      `the decision on objection ${filed.objectionId} was extended once already, to ${state.decisionDueBy}`,
      { decisionDueBy: state.decisionDueBy },
    );
  }
  if (!state.subjectEvidenceAdded) {
    throw new LedgerRuleViolation(
      'extension-needs-subject-evidence',
      'the decision is extended only when the subject has added evidence since filing',
    );
  }
  const { objectionDecisionDays, objectionExtensionDays } = dueProcessOf(schemes, filed);
  // Counted from the filing, so that the extension is exactly its days whatever instant the first deadline fell on.
  const newDecisionDueBy = addDays(calendar, new Date(filed.filedAt), objectionDecisionDays + objectionExtensionDays);
  return [
    {
      type: 'ObjectionDeadlineExtended',
      data: { objectionId: filed.objectionId, newDecisionDueBy: newDecisionDueBy.toISOString(), by: command.by },
    },
  ];
};

const decide = (
  command: DecideObjection,
  state: ObjectionState,
  filed: ObjectionFiled,
  context: ObjectionDecisionContext,
): LedgerEvent[] => {
  const { now, schemes, calendar } = context;
  requirePending(state, filed);
  requireBefore(state.decisionDueBy as string, now, 'decision-deadline-passed', 'the decision');
  requireIndependentOfEntry(command.decidedBy, context, officialsOf(filed), 'deciding an objection');
  const reasons = requireReasons(command.reasons);
  const amendment = checkAmendment(command);
  const reconsiderable = reconsiderableOutcomes.includes(command.outcome);
  const { reconsiderationRequestWorkingDays } = dueProcessOf(schemes, filed);
  const decided: ObjectionDecided = {
    objectionId: filed.objectionId,
    outcome: command.outcome,
    reasons,
    decidedBy: command.decidedBy,
    decidedAt: now.toISOString(),
    ...amendment,
    ...(command.amendedEntryId ? { amendedEntryId: command.amendedEntryId } : {}),
    ...(reconsiderable
      ? {
          reconsiderationDueBy: addWorkingDays(calendar, now, reconsiderationRequestWorkingDays).toISOString(),
        }
      : {}),
  };
  return [{ type: 'ObjectionDecided', data: decided }];
};

const requestReconsideration = (
  command: RequestReconsideration,
  state: ObjectionState,
  filed: ObjectionFiled,
  { now, schemes, calendar, actorSubjectId }: ObjectionDecisionContext,
): LedgerEvent[] => {
  if (actorSubjectId !== filed.subjectId) {
    throw new LedgerForbidden('not-the-subject', `only subject ${filed.subjectId} may ask for reconsideration`);
  }
  if (state.reconsiderationRequest) {
    throw new LedgerRuleViolation(
      'reconsideration-already-requested',
      `reconsideration of objection ${filed.objectionId} was requested on ${state.reconsiderationRequest.requestedAt}`,
    );
  }
  const { decision } = state;
  if (statusOf(state) !== 'decided' || decision?.reconsiderationDueBy === undefined) {
    throw new LedgerRuleViolation(
      'reconsideration-not-available',
      `objection ${filed.objectionId} has no decision against the subject to reconsider`,
      { objectionStatus: statusOf(state), ...(decision ? { outcome: decision.outcome } : {}) },
    );
  }
  requireBefore(decision.reconsiderationDueBy, now, 'reconsideration-window-closed', 'a request for reconsideration');
  const { reconsiderationDecisionDays } = dueProcessOf(schemes, filed);
  return [
    {
      type: 'ReconsiderationRequested',
      data: {
        objectionId: filed.objectionId,
        grounds: command.grounds,
        by: command.by,
        requestedAt: now.toISOString(),
        decisionDueBy: addDays(calendar, now, reconsiderationDecisionDays).toISOString(),
      },
    },
  ];
};

const decideReconsideration = (
  command: DecideReconsideration,
  state: ObjectionState,
  filed: ObjectionFiled,
  context: ObjectionDecisionContext,
): LedgerEvent[] => {
  const { now } = context;
  const request = state.reconsiderationRequest;
  if (statusOf(state) !== 'reconsidering' || !request) {
    throw new LedgerRuleViolation(
      'no-reconsideration-pending',
      `objection ${filed.objectionId} has no reconsideration awaiting a decision`,
      { objectionStatus: statusOf(state) },
    );
  }
  requireBefore(request.decisionDueBy, now, 'decision-deadline-passed', 'the reconsideration');
  if (!command.senior) {
    throw new LedgerForbidden(
      'senior-officer-required',
      'a reconsideration is decided by a senior appeal officer, above the first-instance officers',
    );
  }
  const firstOfficer = (state.decision as ObjectionDecided).decidedBy;
  if (command.decidedBy === firstOfficer) {
    throw new LedgerForbidden(
      'separation-of-duties',
      `${firstOfficer} decided the objection and cannot reconsider their own decision`,
      { part: 'firstOfficer' },
    );
  }
  requireIndependentOfEntry(command.decidedBy, context, officialsOf(filed), 'reconsidering an objection');
  const reasons = requireReasons(command.reasons);
  const amendment = checkAmendment(command);
  return [
    {
      type: 'ReconsiderationDecided',
      data: {
        objectionId: filed.objectionId,
        outcome: command.outcome,
        reasons,
        decidedBy: command.decidedBy,
        decidedAt: now.toISOString(),
        ...amendment,
        ...(command.amendedEntryId ? { amendedEntryId: command.amendedEntryId } : {}),
      },
    },
  ];
};

const reverseMissedDeadline = (
  state: ObjectionState,
  filed: ObjectionFiled,
  { now }: ObjectionDecisionContext,
): LedgerEvent[] => {
  const status = statusOf(state);
  const dueBy = status === 'pending' ? state.decisionDueBy : state.reconsiderationRequest?.decisionDueBy;
  if ((status !== 'pending' && status !== 'reconsidering') || dueBy === undefined) {
    throw new LedgerRuleViolation(
      'objection-not-awaiting-decision',
      `objection ${filed.objectionId} awaits no decision (${status})`,
      { objectionStatus: status },
    );
  }
  if (now < new Date(dueBy)) {
    throw new LedgerRuleViolation(
      'deadline-not-passed',
      `the decision on objection ${filed.objectionId} is due ${dueBy}`,
      {
        dueBy,
      },
    );
  }
  const data = { objectionId: filed.objectionId, reason: 'deadlineMissed', dueBy, at: now.toISOString() } as const;
  return [{ type: status === 'pending' ? 'ObjectionAutoReversed' : 'ReconsiderationAutoReversed', data }];
};

/** An objection id that names no filed objection: a 404, whatever the command. */
export const objectionNotFound = (objectionId: string): LedgerRuleViolation =>
  new LedgerRuleViolation('objection-not-found', `no objection ${objectionId}`, { objectionId });

const existingObjection = (state: ObjectionState, objectionId: string): ObjectionFiled => {
  if (!state.filed) throw objectionNotFound(objectionId);
  return state.filed;
};

/** The periods of the scheme version the objection was filed under: they run it to its end. */
const dueProcessOf = (schemes: SchemeBook, filed: ObjectionFiled): DueProcess => {
  const scheme = schemes.version(filed.schemeVersion);
  if (!scheme)
    throw new Error(`objection ${filed.objectionId} names scheme ${filed.schemeVersion}, which is not published`);
  return scheme.dueProcess;
};

const requirePending = (state: ObjectionState, filed: ObjectionFiled): void => {
  const status = statusOf(state);
  if (status !== 'pending') {
    throw new LedgerRuleViolation(
      'objection-not-awaiting-decision',
      `objection ${filed.objectionId} is ${status}: its first instance is over`,
      { objectionStatus: status },
    );
  }
};

/** A step is in time strictly before its deadline: at the deadline's instant it has passed. */
const requireBefore = (dueBy: string, now: Date, code: string, what: string): void => {
  if (now >= new Date(dueBy)) {
    throw new LedgerRuleViolation(code, `${what} was due by ${dueBy}`, { dueBy });
  }
};

/** The officials of the entry objected to, as its objection was filed: none of them judges the objection. */
const officialsOf = (filed: ObjectionFiled): EntryOfficials => ({
  subjectId: filed.subjectId,
  recordedBy: filed.recorderId,
  ...(filed.approverId ? { approvedBy: filed.approverId } : {}),
  ...(filed.reinstatements ? { reinstatements: filed.reinstatements } : {}),
  ...(filed.formerOfficials ? { formerOfficials: filed.formerOfficials } : {}),
});

const requireReasons = (reasons: string): string => {
  if (reasons.trim() === '') throw new LedgerRuleViolation('reasons-required', 'a decision gives its reasons');
  return reasons;
};

/**
 * An amendment names new points or a new rule, and only an `amended` outcome carries one. Whether it may be made
 * (the rule exists, the points are in its range, the entry comes out no heavier) is the ledger's to judge, when the
 * amendment is carried out and before the decision is recorded.
 */
const checkAmendment = ({ outcome, points, ruleCode }: Amendment & { outcome: string }): Amendment => {
  const amended = outcome === 'amended';
  const amendment = { ...(points !== undefined ? { points } : {}), ...(ruleCode !== undefined ? { ruleCode } : {}) };
  const given = points !== undefined || ruleCode !== undefined;
  if (!amended && given)
    throw new LedgerRuleViolation('amendment-not-allowed', 'only an amending decision names points or a rule');
  if (amended && !given)
    throw new LedgerRuleViolation('amendment-required', 'an amending decision names new points or a new rule');
  return amendment;
};

const assertNever = (value: never): never => {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
};
