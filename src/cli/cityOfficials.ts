import type { Random } from './random';

/**
 * The officials of the synthetic city, by role: the civil-affairs clerks who register subjects, the recorders
 * of each authority, the approvers who give four-eyes approval and the appeal officers who decide objections.
 * The roles' ids never overlap, so an approver is never the recorder of the entry they approve and an appeal
 * officer never its recorder or approver: the deciders check it all the same.
 */

export const officialsPerRole = 12;

const numbered = (prefix: string, random: Random): string =>
  `${prefix}-${String(random.integer(1, officialsPerRole)).padStart(2, '0')}`;

export const registryClerk = (random: Random): string => numbered('civil-affairs-clerk', random);
export const recorderOf = (authority: string, random: Random): string => numbered(`${authority}-recorder`, random);
export const approver = (random: Random): string => numbered('approver', random);
export const appealOfficer = (random: Random): string => numbered('appeal-officer', random);
