import { purposeOf } from '../../src/api/accessPurpose';
import type { Role } from '../../src/api/auth/permissions';

describe('the purpose an access record states', () => {
  it.each([
    ['recorder', 'recording'],
    ['approver', 'approval'],
    ['appealOfficer', 'objectionReview'],
    ['auditor', 'audit'],
    ['consumer', 'eligibility'],
    ['operator', 'operations'],
  ] as const)('is derived from the role: in the role %s, for %s', (role, purpose) => {
    expect(purposeOf([role])).toBe(purpose);
  });

  it('is that of the first role in the fixed order when the viewer holds several', () => {
    const roles: Role[] = ['auditor', 'approver'];
    expect(purposeOf(roles)).toBe('approval');
  });

  it('is unstated for a resident, whose grants reach no one else’s record', () => {
    expect(purposeOf(['resident'])).toBe('unstated');
  });
});
