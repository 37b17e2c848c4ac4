import type { Request } from 'express';
import { Problem } from './problems';

/**
 * Who is acting. Until authentication with roles lands (JWT and API keys), the ledger trusts the
 * `X-Actor-Id` header set by the gateway in front of it: run it only behind one, never on a public port.
 * Every write is attributed to this id (recordedBy, registeredBy).
 */
export const actorHeader = 'X-Actor-Id';

const actorIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

export const actorOf = (req: Request): string => {
  const actorId = req.get(actorHeader);
  if (actorId === undefined)
    throw new Problem('actor-required', `writes name the acting official in the ${actorHeader} header`);
  if (!actorIdPattern.test(actorId)) {
    throw new Problem('validation-failed', `${actorHeader}: must match ${actorIdPattern.source}`, {
      errors: [{ in: 'header', field: actorHeader, message: `must match ${actorIdPattern.source}` }],
    });
  }
  return actorId;
};
