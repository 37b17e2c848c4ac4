/**
 * A scheme: everything a jurisdiction decides, as data (DESIGN.md §3). Its shape is fixed by
 * schemas/scheme.schema.json; these types mirror that schema.
 */

export const grades = ['AAA', 'AA', 'A', 'B', 'C', 'D'] as const;
export type Grade = (typeof grades)[number];

export const severities = ['minor', 'general', 'serious'] as const;
export type Severity = (typeof severities)[number];

export const sectors = [
  'commercial',
  'publicServices',
  'traffic',
  'judicial',
  'neighbourhood',
  'volunteering',
  'charity',
  'honours',
  'care',
] as const;
export type Sector = (typeof sectors)[number];

/** Kinds of evidence document. The official ones are issued by an authority with legal effect. */
export const officialEvidenceKinds = [
  'courtJudgment',
  'arbitralAward',
  'adminPenaltyDecision',
  'trafficTicket',
  'lenderRecord',
  'utilityRecord',
  'volunteerHoursCert',
  'donationReceipt',
  'honourCertificate',
  'careCertificate',
] as const;
export const unofficialEvidenceKinds = ['photo', 'witnessStatement'] as const;
export const evidenceKinds = [...officialEvidenceKinds, ...unofficialEvidenceKinds] as const;
export type EvidenceKind = (typeof evidenceKinds)[number];

export type RuleDirection = 'deduction' | 'addition' | 'gradeCap';

/** Points are signed integers: negative for deductions, positive for additions. */
export interface PointsRange {
  min: number;
  max: number;
}

export interface RuleItem {
  code: string;
  title: string;
  sector: Sector;
  direction: RuleDirection;
  /** Fixed points, or a range from which the recorder picks (and must justify in a narrative). */
  points?: number | PointsRange;
  /** For gradeCap rules: the highest grade the subject may hold while the entry is in effect. */
  gradeCap?: Grade;
  severity: Severity;
  evidenceKinds: EvidenceKind[];
  /** The authorities whose recorders may record this rule. */
  recordingAuthorities: string[];
  legalBasis: string;
  source: string;
  /** At most `points` (summed, same sign as the rule) from this rule within any `months` window. */
  perPeriodCap?: { points: number; months: number };
  recurrence?: 'perEvent' | 'monthlyCycle';
  /** How long the record is kept for audit after its effect ends. */
  retentionMonths: number;
}

export interface GradeBand {
  grade: Grade;
  /** The lowest score in the band; the lowest band has none. */
  minScore?: number;
}

export interface Authority {
  code: string;
  title: string;
}

/** A perk a subject holds while its grade is at least `minimumGrade`. */
export interface Perk {
  code: string;
  title: string;
  minimumGrade: Grade;
  source: string;
}

export interface RedlistCriterion {
  code: string;
  title: string;
  legalBasis: string;
}

export interface ListingRules {
  /** A blacklist listing lasts at most this long unless extended by a new legal act. */
  maxMonths: number;
  extensionMonths: { min: number; max: number };
  /** A removal is due this many working days after what triggered it. */
  removalDueWorkingDays: number;
  redlistMaxMonths: number;
  redlistCriteria: RedlistCriterion[];
}

/** Periods and thresholds of due process. Working days count on the calendar; days are calendar days. */
export interface DueProcess {
  /** A deduction of at least this many points needs a second person's approval; so do caps and serious rules. */
  fourEyesThresholdPoints: number;
  evidenceRequestWorkingDays: number;
  objectionDecisionDays: number;
  /** Once, and only when the subject adds evidence. */
  objectionExtensionDays: number;
  reconsiderationRequestWorkingDays: number;
  reconsiderationDecisionDays: number;
  statementOfDisputeWordsMax: number;
  /** Months from the finding before credit repair may be applied for, by severity. */
  repairMinimumMonths: Record<Severity, number>;
}

export interface Scheme {
  id: string;
  version: string;
  title: string;
  jurisdiction: string;
  /** ISO date: conduct on or after it is judged under this version (until a later version takes over). */
  effectiveFrom: string;
  baseline: number;
  minimumAgeYears: number;
  /** Highest band first. */
  gradeBands: GradeBand[];
  /** How long an entry counts, from its occurredAt, by severity; positive entries use `positive`. */
  effectMonths: Record<Severity | 'positive', number>;
  dueProcess: DueProcess;
  authorities: Authority[];
  perks: Perk[];
  listings: ListingRules;
  catalogue: RuleItem[];
}

export const findRule = (scheme: Scheme, code: string): RuleItem | undefined =>
  scheme.catalogue.find((rule) => rule.code === code);

export const isRange = (points: RuleItem['points']): points is PointsRange =>
  typeof points === 'object' && points !== null;

/** The band a score falls in. */
export const bandOf = (scheme: Scheme, score: number): GradeBand => {
  for (const band of scheme.gradeBands) {
    if (band.minScore === undefined || score >= band.minScore) return band;
  }
  throw new Error(`scheme ${scheme.version}: no grade band covers score ${score}`);
};

/** Ranks grades so that the lower of two can be taken: AAA is 0, D is 5. */
export const gradeRank = (grade: Grade): number => grades.indexOf(grade);

export const lowerGrade = (a: Grade, b: Grade): Grade => (gradeRank(a) >= gradeRank(b) ? a : b);
