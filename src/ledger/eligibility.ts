import type { Restriction } from './listingCodes';
import { gradeRank, type Grade, type Perk } from './scheme';

/**
 * Eligibility: the only question a consumer may ask. The answer is yes or no and a reason code, nothing
 * else (DESIGN §1.6). Restrictions come only from a listing by a legal act, never from a grade; perks
 * come from the grade, per the scheme.
 */

export type EligibilityReason =
  | 'NOT_RESTRICTED'
  | 'RESTRICTED_BY_LISTING'
  | 'RESTRICTED_AS_RESPONSIBLE_PERSON'
  | 'GRADE_QUALIFIES'
  | 'GRADE_BELOW_MINIMUM';

export interface Eligibility {
  eligible: boolean;
  reason: EligibilityReason;
}

/** May the subject do what `measure` restricts, given the blacklist listings that bind it now? */
export const measureEligibility = (
  measure: Restriction,
  bindings: readonly { restrictions: readonly Restriction[]; boundAs: 'listed' | 'responsiblePerson' }[],
): Eligibility => {
  const restricting = bindings.filter((binding) => binding.restrictions.includes(measure));
  if (restricting.length === 0) return { eligible: true, reason: 'NOT_RESTRICTED' };
  const direct = restricting.some((binding) => binding.boundAs === 'listed');
  return { eligible: false, reason: direct ? 'RESTRICTED_BY_LISTING' : 'RESTRICTED_AS_RESPONSIBLE_PERSON' };
};

const reaches = (grade: Grade, perk: Perk): boolean => gradeRank(grade) <= gradeRank(perk.minimumGrade);

/**
 * Does the subject's grade reach the perk's minimum? An entry under objection alone never denies a perk:
 * when the grade falls short only because of disputed entries, the perk is granted, with the same reason as any
 * other grant: that the subject disputes an entry is their history, which a consumer never learns (DESIGN §1.6).
 */
export const perkEligibility = (perk: Perk, grade: Grade, gradeWithoutDisputed: Grade): Eligibility =>
  reaches(grade, perk) || reaches(gradeWithoutDisputed, perk)
    ? { eligible: true, reason: 'GRADE_QUALIFIES' }
    : { eligible: false, reason: 'GRADE_BELOW_MINIMUM' };
