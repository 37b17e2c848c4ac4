import type { EntryReinstated, EvidenceRef, LedgerEvent, ReversalReason } from '../events/ledgerEvents';
import { identityOf, sameDocument } from './documents';
import { LedgerRuleViolation, SubjectNotFound } from './errors';
import { findRule, isRange } from './scheme';
import { requireIndependentOfEntry, requireNotOwnRecord, type Actor } from './separationOfDuties';
import {
  checkAuthority,
  checkEvidence,
  checkOneEntryPerDocument,
  heavierThan,
  judgedEntry,
  needsFourEyes,
  postedWithNotice,
  type DecisionContext,
} from './judging';
import { entriesOf, entryPostedOf, type EntryRecord, type EntryStatus, type SubjectState } from './subjectState';

/**
 * What happens to an entry after it is recorded: four-eyes approval, reversal (always a compensating
 * event; nothing is deleted), an objection upheld, amendment, reinstatement with new evidence (under four eyes
 * when its recording needed them), the subject's statement of dispute, and expiry. Pure deciders over the subject's
 * state.
 */

export interface DecideApproval {
  type: 'DecideApproval';
  subjectId: string;
  entryId: string;
  decision: 'approve' | 'reject';
  reason?: string;
  approverId: string;
}

export interface ReverseEntry {
  type: 'ReverseEntry';
  subjectId: string;
  entryId: string;
  reason: ReversalReason;
  objectionId?: string;
  reasons: string;
  decidedBy: string;
}

export interface UpholdEntry {
  type: 'UpholdEntry';
  subjectId: string;
  entryId: string;
  objectionId: string;
  decidedBy: string;
}

export interface AmendEntry {
  type: 'AmendEntry';
  subjectId: string;
  entryId: string;
  /** The id of the entry that replaces it. */
  newEntryId: string;
  objectionId: string;
  ruleCode?: string;
  points?: number;
  reasons: string;
  decidedBy: string;
}

export interface ReinstateEntry {
  type: 'ReinstateEntry';
  subjectId: string;
  entryId: string;
  evidence: EvidenceRef[];
  reasons: string;
  reinstatedBy: string;
  authority: string;
}

export interface AddStatementOfDispute {
  type: 'AddStatementOfDispute';
  subjectId: string;
  entryId: string;
  text: string;
}

export interface ExpireEntry {
  type: 'ExpireEntry';
  subjectId: string;
  entryId: string;
}

export type EntryLifecycleCommand =
  DecideApproval | ReverseEntry | UpholdEntry | AmendEntry | ReinstateEntry | AddStatementOfDispute | ExpireEntry;

/** Entries that count, or counted until their period ended: what an objection can still correct. */
const standing: readonly EntryStatus[] = ['posted', 'expired'];

export const entryOf = (state: SubjectState, subjectId: string, entryId: string): EntryRecord => {
  if (!state.registered) throw new SubjectNotFound(subjectId);
  const entry = state.entries[entryId];
  if (!entry)
    throw new LedgerRuleViolation('entry-not-found', `subject ${subjectId} has no entry ${entryId}`, { entryId });
  return entry;
};

const requireStatus = (entry: EntryRecord, allowed: readonly EntryStatus[], code: string): void => {
  if (!allowed.includes(entry.status)) {
    throw new LedgerRuleViolation(code, `entry ${entry.entryId} is ${entry.status}, not ${allowed.join(' or ')}`, {
      entryStatus: entry.status,
    });
  }
};

const requireReasons = (reasons: string | undefined): string => {
  if (!reasons || reasons.trim() === '')
    throw new LedgerRuleViolation('reasons-required', 'a decision gives its reasons');
  return reasons;
};

export const decideEntryLifecycle = (
  command: EntryLifecycleCommand,
  state: SubjectState,
  context: DecisionContext,
): LedgerEvent[] => {
  const entry = entryOf(state, command.subjectId, command.entryId);
  switch (command.type) {
    case 'DecideApproval':
      return decideApproval(command, entry, context);
    case 'ReverseEntry':
      requireStatus(entry, standing, 'entry-not-in-effect');
      return [
        {
          type: 'EntryReversed',
          data: {
            subjectId: command.subjectId,
            entryId: command.entryId,
            reason: command.reason,
            ...(command.objectionId ? { objectionId: command.objectionId } : {}),
            decidedBy: command.decidedBy,
            reasons: requireReasons(command.reasons),
          },
        },
        {
          type: 'SubjectNotified',
          data: { subjectId: command.subjectId, entryId: command.entryId, notice: 'entryReversed' },
        },
      ];
    case 'UpholdEntry':
      requireStatus(entry, standing, 'entry-not-in-effect');
      return [
        {
          type: 'EntryUpheld',
          data: {
            subjectId: command.subjectId,
            entryId: command.entryId,
            objectionId: command.objectionId,
            decidedBy: command.decidedBy,
          },
        },
        {
          type: 'SubjectNotified',
          data: { subjectId: command.subjectId, entryId: command.entryId, notice: 'entryUpheld' },
        },
      ];
    case 'AmendEntry':
      return amend(command, entry, context);
    case 'ReinstateEntry':
      return reinstate(command, entry, state, context);
    case 'AddStatementOfDispute':
      return addStatement(command, entry, context);
    case 'ExpireEntry':
      requireStatus(entry, ['posted'], 'entry-not-in-effect');
      if (new Date(entry.effectiveUntil) > context.now) {
        throw new LedgerRuleViolation('entry-not-due', `entry ${entry.entryId} counts until ${entry.effectiveUntil}`);
      }
      return [
        {
          type: 'EntryExpired',
          data: { subjectId: command.subjectId, entryId: command.entryId, expiredAt: entry.effectiveUntil },
        },
      ];
  }
};

/**
 * Four eyes: what awaits approval on an entry (its recording, or its reinstatement) is decided by a second person,
 * who is neither its recorder, nor the reinstater, nor its subject; a rejection says why, and leaves a proposed entry
 * rejected for good, a reversed one reversed.
 */
const decideApproval = (command: DecideApproval, entry: EntryRecord, actor: Actor): LedgerEvent[] => {
  const reinstatement = entry.proposedReinstatement;
  if (!reinstatement) requireStatus(entry, ['pending'], 'entry-not-pending');
  requireIndependentOfEntry(
    command.approverId,
    actor,
    {
      subjectId: entry.subjectId,
      recordedBy: entry.recordedBy,
      reinstatements: reinstatement ? [{ reinstatedBy: reinstatement.reinstatedBy }] : [],
    },
    'approving or rejecting an entry',
  );
  if (command.decision === 'reject') {
    const reason = requireReasons(command.reason);
    return [
      {
        type: 'EntryRejected',
        data: { subjectId: entry.subjectId, entryId: entry.entryId, rejectedBy: command.approverId, reason },
      },
    ];
  }
  const approved: LedgerEvent = {
    type: 'EntryApproved',
    data: {
      subjectId: entry.subjectId,
      entryId: entry.entryId,
      approvedBy: command.approverId,
      ...(command.reason ? { reason: command.reason } : {}),
    },
  };
  if (reinstatement)
    return [approved, ...reinstatedWithNotice(entry, { ...reinstatement, approvedBy: command.approverId })];
  return [approved, ...postedWithNotice({ ...entryPostedOf(entry), approvedBy: command.approverId })];
};

/**
 * An objection amended the entry: it is reversed, and a corrected entry for the same conduct takes its place. The
 * correction may lighten the entry, never make it heavier in any respect (a subject who objects must not come out
 * worse: no reformatio in peius, as in administrative reconsideration), which is also why it needs no second
 * approver. It keeps the entry's evidence and authority, so its rule must accept both.
 */
const amend = (command: AmendEntry, entry: EntryRecord, { schemes }: DecisionContext): LedgerEvent[] => {
  requireStatus(entry, standing, 'entry-not-in-effect');
  const reasons = requireReasons(command.reasons);
  const scheme = schemes.version(entry.schemeVersion);
  const rule = scheme && findRule(scheme, command.ruleCode ?? entry.ruleCode);
  if (!scheme || !rule) {
    throw new LedgerRuleViolation(
      'unknown-rule',
      `scheme ${entry.schemeVersion} has no rule ${command.ruleCode ?? entry.ruleCode}`,
    );
  }
  const points = isRange(rule.points) ? (command.points ?? entry.points) : (rule.points ?? 0);
  if (isRange(rule.points) && (points < rule.points.min || points > rule.points.max)) {
    throw new LedgerRuleViolation(
      'points-out-of-range',
      `rule ${rule.code} allows ${rule.points.min} to ${rule.points.max} points, not ${points}`,
    );
  }
  if (!isRange(rule.points) && command.points !== undefined) {
    throw new LedgerRuleViolation('points-not-allowed', `rule ${rule.code} fixes its own effect`);
  }
  checkAuthority(rule, entry.authority);
  checkEvidence(rule, entry.evidence);
  const replacement = judgedEntry(scheme, rule, {
    entryId: command.newEntryId,
    subjectId: entry.subjectId,
    evidence: entry.evidence,
    narrative: reasons,
    recordedBy: command.decidedBy,
    authority: entry.authority,
    occurredAt: new Date(entry.occurredAt),
    points,
  });
  const heavier = heavierThan(replacement, entry);
  if (heavier.length > 0) {
    throw new LedgerRuleViolation(
      'amendment-worsens',
      `an amendment of entry ${entry.entryId} to rule ${rule.code} would make it heavier: ${heavier.join('; ')}`,
      { heavier },
    );
  }
  return [
    {
      type: 'EntryReversed',
      data: {
        subjectId: entry.subjectId,
        entryId: entry.entryId,
        reason: 'amended',
        objectionId: command.objectionId,
        decidedBy: command.decidedBy,
        reasons,
      },
    },
    { type: 'SubjectNotified', data: { subjectId: entry.subjectId, entryId: entry.entryId, notice: 'entryReversed' } },
    ...postedWithNotice({ ...replacement, amends: entry.entryId }),
  ];
};

/**
 * The reinsertion guard: a reversed entry returns only with new evidence, recorded by its authority, with notice; new
 * to it, and behind no other entry of the subject either.
 * An entry an amendment replaced never returns: its replacement stands for the same conduct, and both would count.
 * An entry that needs four eyes, by the same test as its recording, returns only once a second person approves: until
 * then its reinstatement is proposed, and it does not count.
 */
const reinstate = (
  command: ReinstateEntry,
  entry: EntryRecord,
  state: SubjectState,
  context: DecisionContext,
): LedgerEvent[] => {
  requireStatus(entry, ['reversed'], 'entry-not-reversed');
  requireNotOwnRecord(context, entry.subjectId, 'reinstating an entry');
  if (entry.amendedBy) {
    throw new LedgerRuleViolation(
      'entry-amended',
      `entry ${entry.entryId} was amended into entry ${entry.amendedBy}, which stands for the same conduct`,
      { amendedBy: entry.amendedBy },
    );
  }
  if (entry.proposedReinstatement) {
    throw new LedgerRuleViolation(
      'reinstatement-pending',
      `the reinstatement of entry ${entry.entryId} by ${entry.proposedReinstatement.reinstatedBy} awaits approval`,
      { reinstatedBy: entry.proposedReinstatement.reinstatedBy },
    );
  }
  const scheme = context.schemes.version(entry.schemeVersion);
  const rule = scheme && findRule(scheme, entry.ruleCode);
  if (!scheme || !rule)
    throw new LedgerRuleViolation('unknown-rule', `scheme ${entry.schemeVersion} has no rule ${entry.ruleCode}`);
  checkAuthority(rule, command.authority);
  checkEvidence(rule, command.evidence);
  const seen = [...entry.evidenceCarried, ...entry.evidenceRejected];
  const reused = command.evidence.find((item) => {
    const identity = identityOf(item);
    return seen.some((one) => sameDocument(one, identity));
  });
  if (reused) {
    throw new LedgerRuleViolation(
      'evidence-not-new',
      `document ${reused.documentNumber} was already behind this entry; reinstatement needs new evidence`,
    );
  }
  checkOneEntryPerDocument(
    command.evidence,
    entriesOf(state).filter((other) => other.entryId !== entry.entryId),
  );
  const reinstatement = {
    evidence: command.evidence,
    reinstatedBy: command.reinstatedBy,
    reasons: requireReasons(command.reasons),
  };
  if (!needsFourEyes(scheme, rule, entry.points)) return reinstatedWithNotice(entry, reinstatement);
  const { subjectId, entryId, ruleCode, points, gradeCap, severity, occurredAt, recordedBy, authority } = entry;
  return [
    {
      type: 'EntryReinstatementProposed',
      data: {
        subjectId,
        entryId,
        ruleCode,
        points,
        ...(gradeCap ? { gradeCap } : {}),
        severity,
        occurredAt,
        recordedBy,
        authority,
        ...reinstatement,
      },
    },
  ];
};

/** A reversed entry counts again, and its subject is told. */
const reinstatedWithNotice = (
  entry: EntryRecord,
  reinstatement: Omit<EntryReinstated, 'subjectId' | 'entryId'>,
): LedgerEvent[] => [
  { type: 'EntryReinstated', data: { subjectId: entry.subjectId, entryId: entry.entryId, ...reinstatement } },
  { type: 'SubjectNotified', data: { subjectId: entry.subjectId, entryId: entry.entryId, notice: 'entryReinstated' } },
];

const wordsIn = (text: string): number => text.trim().split(/\s+/).filter(Boolean).length;

/** The subject's own account beside an entry an objection did not remove (at most the scheme's word count). */
const addStatement = (
  command: AddStatementOfDispute,
  entry: EntryRecord,
  { now, schemes }: DecisionContext,
): LedgerEvent[] => {
  if (!entry.upheld) {
    throw new LedgerRuleViolation(
      'entry-not-upheld',
      'a statement of dispute goes beside an entry whose objection was upheld',
    );
  }
  const wordsMax = schemes.forReading(now).dueProcess.statementOfDisputeWordsMax;
  if (wordsIn(command.text) > wordsMax) {
    throw new LedgerRuleViolation('statement-too-long', `a statement of dispute has at most ${wordsMax} words`, {
      wordsMax,
    });
  }
  if (entry.statementOfDispute !== undefined) {
    throw new LedgerRuleViolation('statement-already-added', 'the entry already carries a statement of dispute');
  }
  return [
    {
      type: 'StatementOfDisputeAdded',
      data: { subjectId: entry.subjectId, entryId: entry.entryId, text: command.text.trim() },
    },
  ];
};
