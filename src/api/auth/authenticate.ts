import type { Request, RequestHandler } from 'express';
import { Problem } from '../problems';
import type { ApiKeys } from './apiKeys';
import { scopeOf, type Permission } from './permissions';
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
 * Requires `permission`. Under a grant for the principal's own record only, the subject the request is
 * about (from `subjectOf`) must be the principal's own: any other answers 404, hiding that it exists; a
 * route about no single subject is refused outright.
 */
export const authorize =
  (permission: Permission, subjectOf?: (req: Request) => string | undefined): RequestHandler =>
  (req, res, next) => {
    const principal = principalOf(res);
    const scope = scopeOf(principal.roles, permission);
    if (scope === undefined || (scope === 'own' && subjectOf === undefined)) {
      throw new Problem('forbidden', `${principal.roles.join(', ')} may not ${permission}`);
    }
    if (scope === 'own') {
      const subjectId = subjectOf?.(req);
      if (subjectId !== principal.subjectId) {
        throw new Problem('subject-not-found', `no subject ${subjectId} is registered`, { subjectId });
      }
    }
    next();
  };

/** The subject named by the route's `:id`. */
export const subjectIdParam = (req: Request): string | undefined => req.params.id as string | undefined;
