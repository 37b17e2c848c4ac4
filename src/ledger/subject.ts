import type { EvidenceRef, LedgerEvent } from '../events/ledgerEvents';
import { addMonths, anniversary, formatDate, parseDate } from './calendar';
import { decideCreditRepair, type CreditRepairCommand } from './creditRepair';
import { decideEntryLifecycle, type EntryLifecycleCommand } from './entryLifecycle';
import { LedgerConflict, LedgerRuleViolation, SubjectNotFound } from './errors';
import {
  checkAuthority,
  checkEvidence,
  checkOneEntryPerDocument,
  judgedEntry,
  needsFourEyes,
  postedWithNotice,
  type DecisionContext,
} from './judging';
import { findRule, isRange, type RuleItem } from './scheme';
import { requireNotOwnRecord } from './separationOfDuties';
import { entriesOf, type EntryRecord, type SubjectState } from './subjectState';

/**
 * The subject decider: one stream per subject, holding its registration, its entries and everything due
 * process does to them. Pure: `decideSubject(command, state, context)` returns events or throws; the
 * state is folded by subjectState.ts. Registration and recording are here; the life of an entry after it
 * is recorded is in entryLifecycle.ts, and credit repair in creditRepair.ts.
 */

export interface RegisterSubject {
  type: 'RegisterSubject';
  subjectId: string;
  kind: 'person' | 'organization';
  birthDate?: string;
  registeredBy: string;
}

export interface RecordEntry {
  type: 'RecordEntry';
  entryId: string;
  subjectId: string;
  ruleCode: string;
  occurredAt: string;
  points?: number;
  evidence: EvidenceRef[];
  narrative?: string;
  recordedBy: string;
  /** The authority the recorder acts for: it must be one the rule accepts. */
  authority: string;
}

export type SubjectCommand = RegisterSubject | RecordEntry | EntryLifecycleCommand | CreditRepairCommand;

export const decideSubject = (
  command: SubjectCommand,
  state: SubjectState,
  context: DecisionContext,
): LedgerEvent[] => {
  switch (command.type) {
    case 'RegisterSubject':
      return register(command, state, context);
    case 'RecordEntry':
      return recordEntry(command, state, context);
    case 'RequestCreditRepair':
    case 'DecideCreditRepair':
      return decideCreditRepair(command, state, context);
    default:
      return decideEntryLifecycle(command, state, context);
  }
};

const register = (command: RegisterSubject, state: SubjectState, { now, schemes }: DecisionContext): LedgerEvent[] => {
  if (state.registered) {
    throw new LedgerConflict('subject-already-registered', `subject ${command.subjectId} is already registered`, {
      subjectId: command.subjectId,
    });
  }
  const { baseline, minimumAgeYears } = schemes.forReading(now);
  const { subjectId, registeredBy } = command;
  if (command.kind === 'organization') {
    return [{ type: 'SubjectRegistered', data: { subjectId, kind: 'organization', baseline, registeredBy } }];
  }
  if (command.birthDate === undefined) {
    throw new LedgerRuleViolation('birth-date-required', 'a person is registered with their birth date');
  }
  const adultFrom = anniversary(command.birthDate, minimumAgeYears);
  if (parseDate(adultFrom) > now) {
    throw new LedgerRuleViolation(
      'subject-under-age',
      `a person is registered only from age ${minimumAgeYears}: this one comes of age on ${adultFrom}`,
      { adultFrom },
    );
  }
  return [
    {
      type: 'SubjectRegistered',
      data: { subjectId, kind: 'person', adultFrom, baseline, registeredBy },
    },
  ];
};

const recordEntry = (command: RecordEntry, state: SubjectState, context: DecisionContext): LedgerEvent[] => {
  const { now, schemes } = context;
  if (!state.registered) throw new SubjectNotFound(command.subjectId);
  requireNotOwnRecord(context, command.subjectId, 'recording an entry');
  const occurredAt = new Date(command.occurredAt);
  checkConductTime(occurredAt, state, now);
  const scheme = schemes.inForceAt(occurredAt);
  if (!scheme) {
    throw new LedgerRuleViolation(
      'no-scheme-in-force',
      `no scheme version was in force on ${formatDate(occurredAt)}; the first took effect on ${schemes.versions[0]?.effectiveFrom}`,
    );
  }
  const rule = findRule(scheme, command.ruleCode);
  if (!rule) {
    throw new LedgerRuleViolation('unknown-rule', `scheme ${scheme.version} has no rule ${command.ruleCode}`, {
      ruleCode: command.ruleCode,
      schemeVersion: scheme.version,
    });
  }
  checkAuthority(rule, command.authority);
  checkEvidence(rule, command.evidence);
  const entries = entriesOf(state);
  checkOneEntryPerDocument(command.evidence, entries);
  const points = pointsFor(rule, command);
  checkPeriodCap(rule, entries, occurredAt, points);
  const entry = judgedEntry(scheme, rule, { ...command, occurredAt, points });
  if (needsFourEyes(scheme, rule, points)) return [{ type: 'EntryProposed', data: entry }];
  return postedWithNotice(entry);
};

const checkConductTime = (occurredAt: Date, state: SubjectState, now: Date): void => {
  if (occurredAt > now) {
    throw new LedgerRuleViolation(
      'conduct-in-future',
      `conduct cannot be recorded before it happens (${occurredAt.toISOString()})`,
    );
  }
  if (state.adultFrom !== undefined && occurredAt < parseDate(state.adultFrom)) {
    throw new LedgerRuleViolation(
      'conduct-before-adulthood',
      `conduct before the subject came of age on ${state.adultFrom} cannot be recorded`,
      { adultFrom: state.adultFrom },
    );
  }
};

const pointsFor = (rule: RuleItem, command: RecordEntry): number => {
  if (!isRange(rule.points)) {
    if (command.points !== undefined) {
      throw new LedgerRuleViolation(
        'points-not-allowed',
        `rule ${rule.code} fixes its own effect; points are given only for rules with a range`,
      );
    }
    return rule.points ?? 0;
  }
  const { min, max } = rule.points;
  if (command.points === undefined) {
    throw new LedgerRuleViolation(
      'points-required',
      `rule ${rule.code} has a range: give points from ${min} to ${max}`,
      { min, max },
    );
  }
  if (command.points < min || command.points > max) {
    throw new LedgerRuleViolation(
      'points-out-of-range',
      `rule ${rule.code} allows ${min} to ${max} points, not ${command.points}`,
      { min, max },
    );
  }
  if (command.narrative === undefined) {
    throw new LedgerRuleViolation(
      'narrative-required',
      `points chosen from the range of rule ${rule.code} need a narrative justifying them`,
    );
  }
  return command.points;
};

/**
 * A rule's per-period cap: in no window of `months` may the rule's points (in absolute value) exceed the
 * cap. Windows ending at the new entry and at every later entry of the same rule within a period of it
 * are checked, since the new entry falls into all of them.
 */
const checkPeriodCap = (rule: RuleItem, entries: readonly EntryRecord[], occurredAt: Date, points: number): void => {
  const cap = rule.perPeriodCap;
  if (!cap) return;
  const sameRule = entries
    .filter((entry) => entry.ruleCode === rule.code && entry.status !== 'rejected' && entry.status !== 'reversed')
    .map((entry) => ({ at: new Date(entry.occurredAt), points: Math.abs(entry.points) }));
  const candidate = { at: occurredAt, points: Math.abs(points) };
  const all = [...sameRule, candidate];
  const windowEnds = [
    occurredAt,
    ...sameRule.map((e) => e.at).filter((at) => at > occurredAt && at < addMonths(occurredAt, cap.months)),
  ];
  for (const end of windowEnds) {
    const start = addMonths(end, -cap.months);
    const total = all.filter((e) => e.at > start && e.at <= end).reduce((sum, e) => sum + e.points, 0);
    if (total > cap.points) {
      throw new LedgerRuleViolation(
        'period-cap-exceeded',
        `rule ${rule.code} gives at most ${cap.points} points in ${cap.months} months; this entry would make ${total}`,
        { capPoints: cap.points, capMonths: cap.months },
      );
    }
  }
};
