import type { ObjectionOutcome } from '../events/objectionEvents';
import type { BlacklistGround, RemovalReason } from '../ledger/listingCodes';

/**
 * The habits of the synthetic city that `ledger seed` builds: how often each rule's conduct happens, how long
 * the authorities take to record it, and how often a second pair of eyes, an objection or a court listing
 * follows. Orders of magnitude that look plausible for a county-level city, not statistics of Rongcheng
 * (none are published per rule). Tuned so that the default city, 740,000 residents over 5 years, comes to
 * about 13 events per resident: most residents have a few entries or none, a long tail has many.
 */

/** How often a subject of average propensity does what the rule is about, per year. */
export interface ConductRate {
  person: number;
  organization: number;
}

export const conductRates: Readonly<Record<string, ConductRate>> = {
  // Everyday and minor: most of the ledger. A company's vans and bills come more often than a person's.
  'TRF-TICKET': { person: 0.35, organization: 1.2 },
  'PUB-FEES-LATE': { person: 0.15, organization: 0.4 },
  'COM-LOAN-ARREARS': { person: 0.1, organization: 0.3 },
  'NBH-LITTERING': { person: 0.02, organization: 0.01 },
  // Judgments and penalties: rare, heavier, the commercial ones mostly against companies.
  'COM-CONTRACT-BREACH': { person: 0.006, organization: 0.06 },
  'COM-PRIVATE-LENDING-BREACH': { person: 0.005, organization: 0.01 },
  'COM-GUARANTEE-BREACH': { person: 0.002, organization: 0.02 },
  'COM-DEBT-JUDGMENT': { person: 0.004, organization: 0.04 },
  'COM-SUED-BREACH': { person: 0.002, organization: 0.03 },
  'COM-PYRAMID-FRAUD': { person: 0.001, organization: 0.005 },
  'COM-COUNTERFEIT': { person: 0.0003, organization: 0.01 },
  'COM-OTHER-UNTRUSTWORTHY': { person: 0.003, organization: 0.04 },
  'COM-ILLEGAL-FUNDRAISING': { person: 0.0003, organization: 0.003 },
  'PUB-FEES-COURT-ARREARS': { person: 0.001, organization: 0.01 },
  'PUB-HEATING-TAMPER': { person: 0.001, organization: 0.002 },
  'PUB-UTILITY-THEFT': { person: 0.0005, organization: 0.002 },
  'PUB-EQUIPMENT-DAMAGE': { person: 0.0002, organization: 0.001 },
  'TRF-DUI': { person: 0.002, organization: 0 },
  // Deeds: volunteering and care are a person's; companies donate.
  'VOL-HOURS': { person: 0.2, organization: 0 },
  'VOL-PROJECT': { person: 0.06, organization: 0 },
  'CHR-DONATION': { person: 0.03, organization: 0.3 },
  'HRO-HEROIC-ACT': { person: 0.0005, organization: 0 },
  'CARE-ELDERLY': { person: 0.05, organization: 0 },
};

/** A rule the table does not name (a scheme other than Rongcheng's): rare rather than never. */
export const unknownRuleRate: ConductRate = { person: 0.002, organization: 0.005 };

/**
 * Each subject draws a propensity for misconduct and one for deeds, log-normal with mean 1: the spread makes
 * most subjects quiet and a few very active. Capped, so that no subject's history grows without bound.
 */
export const misconductSpread = 1.6;
export const civicSpread = 1.4;
export const propensityMax = 40;

/** Ages of residents on the day the city is seeded (the youngest is the scheme's minimum age). */
export const oldestResidentAgeYears = 80;

/** Days from the conduct to its recording: tickets come within days, judgments and utility records later. */
export const recordingDelayDays = { min: 1, max: 30 } as const;

/** Days from a proposal to the second official's decision, and the share of proposals they reject. */
export const approvalDelayDays = { min: 1, max: 7 } as const;
export const rejectedProposalShare = 0.05;

/** First-instance outcomes the city's appeal officers reach; amendments, which replace the entry, are not seeded. */
export type SeededOutcome = Exclude<ObjectionOutcome, 'amended'>;

/** The share of deductions the subject objects to, the days to filing and to the decision (due in 30). */
export const objectedShare = 0.03;
export const objectionFilingDelayDays = { min: 1, max: 20 } as const;
export const objectionDecisionDelayDays = { min: 2, max: 25 } as const;
export const objectionOutcomes: readonly (readonly [SeededOutcome, number])[] = [
  ['upheld', 45],
  ['frivolous', 10],
  ['reversed', 35],
  ['unverifiable', 10],
];

/**
 * Judgments that order a payment: when the debtor does not pay, the court lists them on the blacklist of
 * judgment defaulters some months later, and sometimes removes them early when they pay.
 */
export const payingJudgmentRules: readonly string[] = [
  'COM-CONTRACT-BREACH',
  'COM-SUED-BREACH',
  'COM-PRIVATE-LENDING-BREACH',
  'COM-GUARANTEE-BREACH',
  'COM-DEBT-JUDGMENT',
  'PUB-FEES-COURT-ARREARS',
];
export const listedShare = 0.25;
export const listingDelayDays = { min: 30, max: 120 } as const;
export const blacklistGroundWeights: readonly (readonly [BlacklistGround, number])[] = [
  ['ABLE_BUT_REFUSING', 60],
  ['EVADING_BY_SHAM_OR_HIDING_ASSETS', 15],
  ['BREACHING_SPENDING_RESTRICTION', 10],
  ['BREACHING_ASSET_REPORTING', 8],
  ['REFUSING_SETTLEMENT', 5],
  ['OBSTRUCTING_BY_FORCE_OR_FORGERY', 2],
];
export const restrictionsPerListing = { min: 1, max: 4 } as const;
/** A blacklisted organisation binds its legal representative and, sometimes, a responsible manager. */
export const responsiblePersonsPerListing = { min: 1, max: 2 } as const;
export const removedEarlyShare = 0.35;
export const removalTriggerDelayDays = { min: 20, max: 300 } as const;
export const earlyRemovalReasons: readonly (readonly [RemovalReason, number])[] = [
  ['obligationPerformed', 70],
  ['settlementPerformed', 20],
  ['creditorRequest', 10],
];
/** Days from the trigger to the request, and from the request to the removal (due in 3 working days: some are late). */
export const removalRequestDelayDays = { min: 0, max: 2 } as const;
export const removalDelayDays = { min: 0, max: 6 } as const;
