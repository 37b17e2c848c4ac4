import type { EntryPosted, EvidenceRef, LedgerEvent } from '../events/ledgerEvents';
import { addMonths } from './calendar';
import { identityOf, sameDocument } from './documents';
import { LedgerConflict, LedgerForbidden, LedgerRuleViolation } from './errors';
import { grades, severities, type RuleItem, type Scheme } from './scheme';
import type { SchemeBook } from './schemeBook';
import type { Actor } from './separationOfDuties';
import { documentsHeldBy, type EntryRecord } from './subjectState';

/**
 * Judging an entry against its rule: the pieces that recording, approval, amendment and reinstatement
 * share. Pure.
 */

/** What a subject's decider judges a command by, beside its state: the instant, the schemes, and who acts. */
export interface DecisionContext extends Actor {
  now: Date;
  schemes: SchemeBook;
}

/** Only the authorities a rule names record its entries (or bring one back). */
export const checkAuthority = (rule: RuleItem, authority: string): void => {
  if (!rule.recordingAuthorities.includes(authority)) {
    throw new LedgerForbidden(
      'outside-authority',
      `rule ${rule.code} is recorded by ${rule.recordingAuthorities.join(', ')}, not by ${authority}`,
      { authority, allowed: rule.recordingAuthorities },
    );
  }
};

/** What an entry of a rule must carry, and what it may be recorded with. */
export const checkEvidence = (rule: RuleItem, evidence: readonly EvidenceRef[]): void => {
  const refused = evidence.find((item) => !rule.evidenceKinds.includes(item.kind));
  if (refused) {
    throw new LedgerRuleViolation(
      'evidence-kind-not-allowed',
      `rule ${rule.code} accepts evidence of kind ${rule.evidenceKinds.join(', ')}, not ${refused.kind}`,
      { allowed: rule.evidenceKinds, refused: refused.kind },
    );
  }
};

/**
 * One document stands behind one entry of its subject (DESIGN §1.1): the same judgment or ticket recorded again, under
 * another idempotency key, would count the same conduct twice, and split into entries each under the four-eyes
 * threshold it would take a deduction no second person approved. An entry keeps every document it has carried while
 * it counts or may count: pending, posted, reversed (reinstatement brings it back with its history), expired or
 * repaired (the conduct was recorded once); and those of its reinstatement while a second person has yet to decide
 * it, so that nobody records them meanwhile. Only a proposal the second person rejected, an entry's recording or its
 * reinstatement, which never counted, leaves its documents free (documentsHeldBy). The entry that holds one is named;
 * of an amended entry and its replacement, which share their evidence, the replacement, which stands.
 */
export const checkOneEntryPerDocument = (evidence: readonly EvidenceRef[], others: readonly EntryRecord[]): void => {
  const held = others.map((entry) => ({ entry, documents: documentsHeldBy(entry) }));
  for (const document of evidence) {
    const identity = identityOf(document);
    const holders = held
      .filter(({ documents }) => documents.some((one) => sameDocument(one, identity)))
      .map(({ entry }) => entry);
    const holder = holders.find((entry) => entry.amendedBy === undefined) ?? holders[0];
    if (holder) {
      throw new LedgerConflict(
        'evidence-already-used',
        `document ${document.documentNumber} of ${document.issuer} already stands behind entry ${holder.entryId}; ` +
          'one document stands behind one entry of a subject',
        { entryId: holder.entryId, documentNumber: document.documentNumber },
      );
    }
  }
};

/** The entry as the scheme judges it: its points, severity and the end of its effect. */
export const judgedEntry = (
  scheme: Scheme,
  rule: RuleItem,
  fields: Pick<EntryPosted, 'entryId' | 'subjectId' | 'evidence' | 'narrative' | 'recordedBy' | 'authority'> & {
    occurredAt: Date;
    points: number;
  },
): EntryPosted => {
  const effectMonths = fields.points > 0 ? scheme.effectMonths.positive : scheme.effectMonths[rule.severity];
  return {
    entryId: fields.entryId,
    subjectId: fields.subjectId,
    ruleCode: rule.code,
    direction: rule.direction,
    points: fields.points,
    ...(rule.gradeCap ? { gradeCap: rule.gradeCap } : {}),
    severity: rule.severity,
    occurredAt: fields.occurredAt.toISOString(),
    effectiveUntil: addMonths(fields.occurredAt, effectMonths).toISOString(),
    evidence: fields.evidence,
    ...(fields.narrative ? { narrative: fields.narrative } : {}),
    schemeVersion: scheme.version,
    recordedBy: fields.recordedBy,
    authority: fields.authority,
  };
};

const capRank = (entry: EntryPosted): number => (entry.gradeCap ? grades.indexOf(entry.gradeCap) : -1);

/**
 * How an entry would weigh more on its subject than the one it replaces, one phrase for each: fewer points, a grade
 * cap (or a harsher one), an effect that lasts longer, or a higher severity (a longer wait for credit repair).
 * None for an entry as light as the other in every respect.
 */
export const heavierThan = (entry: EntryPosted, replaced: EntryPosted): string[] => [
  ...(entry.points < replaced.points ? [`${entry.points} points instead of ${replaced.points}`] : []),
  ...(capRank(entry) > capRank(replaced) ? [`a grade cap of ${entry.gradeCap}`] : []),
  ...(entry.points <= 0 && entry.effectiveUntil > replaced.effectiveUntil
    ? [`an effect until ${entry.effectiveUntil} instead of ${replaced.effectiveUntil}`]
    : []),
  ...(severities.indexOf(entry.severity) > severities.indexOf(replaced.severity)
    ? [`${entry.severity} instead of ${replaced.severity}`]
    : []),
];

/**
 * Four eyes (DESIGN §1.2): a deduction at or above the scheme's threshold, a grade cap, or any serious rule
 * takes effect only when a second person approves it.
 */
export const needsFourEyes = (scheme: Scheme, rule: RuleItem, points: number): boolean =>
  rule.direction === 'gradeCap' ||
  rule.severity === 'serious' ||
  (points < 0 && -points >= scheme.dueProcess.fourEyesThresholdPoints);

/** An entry takes effect, and its subject is told. */
export const postedWithNotice = (entry: EntryPosted): LedgerEvent[] => [
  { type: 'EntryPosted', data: entry },
  { type: 'SubjectNotified', data: { subjectId: entry.subjectId, entryId: entry.entryId, notice: 'entryPosted' } },
];
