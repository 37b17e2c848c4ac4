import type { Request, RequestHandler, Response } from 'express';
import { Problem, subjectNotFound } from '../problems';
import type { ApiKeys } from './apiKeys';
import { grantOf, type Permission, type Role, type Scope } from './permissions';
import { principalOf } from './principal';
import { InvalidToken, type TokenVerifier } from './tokens';

/**
 * Authentication: a person presents `Authorization: Bearer <JWT>`, a machine consumer `X-API-Key: <key>`;
 * exactly one. Authorization: every route names the permission it needs, and the roles table decides.
 */

export const apiKeyHeader = 'X-API-Key';

const challenge = (error?: string): Record<string, string> => ({
  'WWW-Authenticate': error ? `Bearer realm="credit-ledger", error="${error}"` : 'Bearer realm="credit-ledger"',
});

export const authenticate =
  (verifyToken: TokenVerifier, apiKeys: ApiKeys): RequestHandler =>
  async (req, res, next) => {
    const authorization = req.get('authorization');
    const apiKey = req.get(apiKeyHeader);
    if (authorization !== undefined && apiKey !== undefined) {
      throw new Problem('unauthenticated', `present either a bearer token or an ${apiKeyHeader}, not both`);
    }
    if (apiKey !== undefined) {
      const principal = apiKeys.verify(apiKey);
      if (!principal) throw new Problem('unauthenticated', 'the API key is unknown or revoked');
      res.locals.principal = principal;
      return next();
    }
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? '')?.[1];
    if (token === undefined) {
      res.set(challenge());
      throw new Problem('unauthenticated', `present a bearer token (people) or an ${apiKeyHeader} (consumers)`);
    }
    try {
      res.locals.principal = await verifyToken(token);
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error;
      res.set(challenge('invalid_token'));
      throw new Problem('unauthenticated', `the token is not accepted: ${error.message}`);
    }
    return next();
  };

/**
 * The scope of the principal's grant for `permission`, refused (403) when it holds none. The roles that grant it
 * are kept on the response: a read is recorded as made in them (`grantedRolesOf`), not in whichever of the
 * principal's roles comes first.
 */
export const grantFor = (res: Response, permission: Permission): Scope => {
  const principal = principalOf(res);
  const grant = grantOf(principal.roles, permission);
  if (grant === undefined) throw new Problem('forbidden', `${principal.roles.join(', ')} may not ${permission}`);
  res.locals.grantedBy = grant.roles;
  return grant.scope;
};

/** The roles that granted the request its permission, once authorized. */
export const grantedRolesOf = (res: Response): readonly Role[] | undefined =>
  res.locals.grantedBy as readonly Role[] | undefined;

/**
 * Requires `permission`. Under a grant for the principal's own record only, the subject the request is
 * about (from `subjectOf`) must be the principal's own: any other is answered as not found (`hiddenAs`), as if
 * it did not exist; a route about no single subject is refused outright. The default answer names the subject,
 * which suits a subject the caller named itself (in the path or body); a route that finds the subject from
 * something else (an entry) answers as that thing not found, so that whose it is stays hidden.
 */
export const authorize =
  (
    permission: Permission,
    subjectOf?: (req: Request) => string | undefined,
    hiddenAs: (req: Request, subjectId: string | undefined) => Problem = (_req, subjectId) =>
      subjectNotFound(subjectId),
  ): RequestHandler =>
  (req, res, next) => {
    if (grantFor(res, permission) === 'own') {
      const principal = principalOf(res);
      if (!subjectOf)
        throw new Problem('forbidden', `${principal.roles.join(', ')} may not ${permission} but their own`);
      const subjectId = subjectOf(req);
      if (subjectId !== principal.subjectId) throw hiddenAs(req, subjectId);
    }
    next();
  };

/** The subject named by the route's `:id`. */
export const subjectIdParam = (req: Request): string | undefined => req.params.id as string | undefined;
