/**
 * Who may do what: one table from roles to permissions, deny by default. A grant is either for any
 * subject, or only for the principal's own record (residents); reads of another subject's record under an
 * `own` grant answer 404, as if it did not exist.
 */

/**
 * `seniorAppealOfficer` reconsiders objections: a rank above every `appealOfficer`, which is how the ledger
 * knows that the reconsideration officer is the more senior. A senior who also decides first-instance
 * objections holds both roles; the objection decider keeps them from reconsidering their own decision.
 */
export const roles = [
  'resident',
  'recorder',
  'approver',
  'appealOfficer',
  'seniorAppealOfficer',
  'auditor',
  'consumer',
  'operator',
] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  'subject:register',
  'subject:read',
  'entry:record',
  'score:read',
  'history:read',
  'listing:write',
  'listing:read',
  'eligibility:ask',
  'accessLog:read',
  'accessLog:query',
  'metrics:read',
  'integrity:audit',
  'approval:read',
  'entry:approve',
  'entry:reinstate',
  'statement:add',
  'repair:request',
  'repair:decide',
  'objection:file',
  'objection:evidence',
  'objection:read',
  'objection:decide',
  'objection:reconsider',
] as const;
export type Permission = (typeof permissions)[number];

export type Scope = 'own' | 'any';

export const grants: Readonly<Record<Role, Partial<Record<Permission, Scope>>>> = {
  resident: {
    'subject:read': 'own',
    'score:read': 'own',
    'history:read': 'own',
    'listing:read': 'own',
    'accessLog:read': 'own',
    'statement:add': 'own',
    'repair:request': 'own',
    'objection:file': 'own',
    'objection:evidence': 'own',
    'objection:read': 'own',
  },
  recorder: {
    'subject:register': 'any',
    'subject:read': 'any',
    'entry:record': 'any',
    'listing:write': 'any',
    // The court clerks who carry out removals work from the lists and the overdue queue.
    'listing:read': 'any',
    'entry:reinstate': 'any',
    // Any recorder may reach the route; the objection decider admits only the recorder of the entry objected to.
    'objection:evidence': 'any',
  },
  approver: {
    'subject:read': 'any',
    'score:read': 'any',
    'history:read': 'any',
    'approval:read': 'any',
    'entry:approve': 'any',
  },
  appealOfficer: {
    'subject:read': 'any',
    'score:read': 'any',
    'history:read': 'any',
    'repair:decide': 'any',
    'objection:read': 'any',
    'objection:decide': 'any',
  },
  seniorAppealOfficer: {
    'subject:read': 'any',
    'score:read': 'any',
    'history:read': 'any',
    'objection:read': 'any',
    'objection:reconsider': 'any',
  },
  auditor: {
    'subject:read': 'any',
    'score:read': 'any',
    'history:read': 'any',
    'listing:read': 'any',
    'accessLog:read': 'any',
    'accessLog:query': 'any',
    'metrics:read': 'any',
    'approval:read': 'any',
    'integrity:audit': 'any',
    'objection:read': 'any',
  },
  consumer: { 'eligibility:ask': 'any' },
  operator: { 'metrics:read': 'any' },
};

/** The widest scope any of the roles grants for the permission and the roles that grant it, or undefined when none does. */
export const grantOf = (
  principalRoles: readonly Role[],
  permission: Permission,
): { scope: Scope; roles: Role[] } | undefined => {
  for (const scope of ['any', 'own'] as const) {
    const granting = principalRoles.filter((role) => grants[role][permission] === scope);
    if (granting.length > 0) return { scope, roles: granting };
  }
  return undefined;
};
