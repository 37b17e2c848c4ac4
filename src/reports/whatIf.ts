import { judgedEntry } from '../ledger/judging';
import { findRule, isRange, type Grade, type RuleItem, type Scheme } from '../ledger/scheme';
import { scoreAt, type ScoredEntry } from '../ledger/score';
import type { Population, PopulationEntry } from './population';

/**
 * What-if: every subject's grade at an instant as the ledger shows it, and again with every entry re-judged
 * under a proposed scheme; who would change grade, and how many move between each pair of grades. Pure: it
 * reads a population and writes nothing.
 *
 * It answers "what if the proposal had always been the scheme": a counterfactual for deciding on a new
 * version, not what publishing it would do (a published version judges only conduct from its effectiveFrom,
 * and no change applies retroactively to a subject's disadvantage: domain.md B5).
 *
 * Re-judging an entry (rejudgedEntry):
 * - its rule is the proposal's rule of the same code; when the proposal has none, the entry no longer counts
 *   (and is counted in `entriesOfRemovedRules`);
 * - a fixed value gives the entry that value; for a range, the recorded points stand when the new range holds
 *   them, else they are clamped to its nearer end: the recorder's judgement within the range is the only fact
 *   there is, and clamping is the least change that obeys the new range;
 * - severity, direction and grade cap are the proposed rule's, and the effect ends after the proposal's effect
 *   months, judged as recording judges (judgedEntry);
 * - a credit repair's early end stands: it was a decision on the entry, not a rule of the scheme;
 * - what decides whether an entry could be recorded (evidence kinds, authorities, caps per period, four eyes)
 *   is not decided again: every entry here was recorded.
 * Reversed entries count under neither scheme.
 */

/** The changed subjects listed by name; the rest are only counted. */
export const changedListMax = 1_000;

export type Transition = `${Grade}->${Grade}`;

export interface GradeChange {
  subjectId: string;
  from: Grade;
  to: Grade;
  scoreFrom: number;
  scoreTo: number;
}

export interface WhatIfOptions {
  /** The scheme in force at `at`: its bands grade the entries as they were recorded. */
  current: Scheme;
  proposed: Scheme;
  at: Date;
}

export interface WhatIfResult {
  at: string;
  currentVersion: string;
  proposedVersion: string;
  /** The log was read up to and including this position. */
  position: string;
  subjects: number;
  /** Subjects whose grade would change: the first changedListMax, in registration order. */
  changed: GradeChange[];
  changedTotal: number;
  /** Subjects by grade now and grade under the proposal, the unchanged included (`A->A`). */
  transitions: Partial<Record<Transition, number>>;
  /** Entries not reversed whose rule the proposal removes: under the proposal they no longer count. */
  entriesOfRemovedRules: number;
}

/** A range keeps the recorded points it still holds and clamps the others; a fixed value replaces them. */
const proposedPoints = (rule: RuleItem, recorded: number): number => {
  if (rule.points === undefined) return 0;
  if (!isRange(rule.points)) return rule.points;
  return Math.min(rule.points.max, Math.max(rule.points.min, recorded));
};

/** The entry as the proposal would have judged it; undefined when the proposal has no rule for it. */
export const rejudgedEntry = (proposed: Scheme, subjectId: string, entry: PopulationEntry): ScoredEntry | undefined => {
  const rule = findRule(proposed, entry.ruleCode);
  if (!rule) return undefined;
  const judged = judgedEntry(proposed, rule, {
    entryId: entry.entryId,
    subjectId,
    // Evidence is not kept in the population and plays no part in an entry's points or period.
    evidence: [],
    recordedBy: entry.recordedBy,
    authority: entry.authority,
    occurredAt: new Date(entry.occurredAt),
    points: proposedPoints(rule, entry.points),
  });
  return {
    entryId: judged.entryId,
    ruleCode: judged.ruleCode,
    direction: judged.direction,
    points: judged.points,
    ...(judged.gradeCap ? { gradeCap: judged.gradeCap } : {}),
    severity: judged.severity,
    occurredAt: judged.occurredAt,
    effectiveUntil: judged.effectiveUntil,
    schemeVersion: judged.schemeVersion,
    ...(entry.endedAt ? { endedAt: entry.endedAt } : {}),
  };
};

export const whatIf = (population: Population, { current, proposed, at }: WhatIfOptions): WhatIfResult => {
  const changed: GradeChange[] = [];
  const transitions: Partial<Record<Transition, number>> = {};
  let changedTotal = 0;
  let entriesOfRemovedRules = 0;
  for (const { subjectId, baseline, entries } of population.subjects.values()) {
    const standing = entries.filter((entry) => entry.reversal === undefined);
    const rejudged = standing.flatMap((entry) => rejudgedEntry(proposed, subjectId, entry) ?? []);
    entriesOfRemovedRules += standing.length - rejudged.length;
    const now = scoreAt(current, baseline, standing, at);
    const then = scoreAt(proposed, baseline, rejudged, at);
    const transition: Transition = `${now.grade}->${then.grade}`;
    transitions[transition] = (transitions[transition] ?? 0) + 1;
    if (now.grade === then.grade) continue;
    changedTotal += 1;
    if (changed.length < changedListMax) {
      changed.push({ subjectId, from: now.grade, to: then.grade, scoreFrom: now.score, scoreTo: then.score });
    }
  }
  return {
    at: at.toISOString(),
    currentVersion: current.version,
    proposedVersion: proposed.version,
    position: population.position,
    subjects: population.subjects.size,
    changed,
    changedTotal,
    transitions,
    entriesOfRemovedRules,
  };
};
