import type { Response } from 'express';
import type { Role } from './permissions';

/**
 * Who is calling, once authenticated: a person from a verified JWT, or a machine consumer from an API key.
 */
export interface Principal {
  id: string;
  kind: 'person' | 'machine';
  roles: Role[];
  /** A resident's own subject id: the only record an `own` grant reaches. */
  subjectId?: string;
  /** A recorder's authority (a court, the traffic police, a utility...): the rules it may record. */
  authority?: string;
  /** A consumer's purposes: the only restrictions and perks it may ask about. */
  purposes?: { measures: string[]; perks: string[] };
}

export const principalOf = (res: Response): Principal => {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('route used before authentication');
  return principal;
};
