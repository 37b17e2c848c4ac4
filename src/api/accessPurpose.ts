import type { AccessPurpose } from '../events/ledgerEvents';
import type { Role } from './auth/permissions';

/**
 * The purpose an access record states, derived from the viewer's role rather than declared by the viewer:
 * a declared purpose would be whatever the viewer chose to type, while a role is what the ledger granted.
 * A resident's grants reach only their own record, whose reads are not recorded, so a resident has no purpose
 * for reading someone else's: should such a read ever happen, it is recorded as 'unstated' rather than dropped.
 */
export const purposeOfRole: Readonly<Record<Role, AccessPurpose>> = {
  recorder: 'recording',
  approver: 'approval',
  appealOfficer: 'objectionReview',
  seniorAppealOfficer: 'objectionReview',
  auditor: 'audit',
  consumer: 'eligibility',
  operator: 'operations',
  resident: 'unstated',
};

/** A viewer with several roles gets the purpose of the first, in the order written above; the record lists every role. */
const purposePrecedence = Object.keys(purposeOfRole) as Role[];

export const purposeOf = (viewerRoles: readonly Role[]): AccessPurpose => {
  const role = purposePrecedence.find((candidate) => viewerRoles.includes(candidate)) ?? 'resident';
  return purposeOfRole[role];
};
