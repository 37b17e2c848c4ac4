import { errors, jwtVerify, SignJWT, type KeyLike } from 'jose';
import { roles, type Role } from './permissions';
import type { Principal } from './principal';

/**
 * JWTs for people. Verification allows one algorithm (EdDSA), checks issuer and audience, requires an
 * expiry, an issue time and a subject, and rejects anything else (jose never accepts `alg: none`). No token lives
 * longer than tokenLifetimeSecondsMax after it was issued, whatever its expiry says: the ledger mints none longer,
 * and one from an identity provider is held to the same, since a verified token cannot be revoked.
 */

export const tokenAlgorithm = 'EdDSA';
export const tokenLifetimeSecondsMax = 30 * 24 * 60 * 60;

export interface TokenSettings {
  issuer: string;
  audience: string;
}

/** The same as schemas/common.json#/$defs/actorId: every event names its actor this way. */
const actorIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

export class InvalidToken extends Error {
  override readonly name = 'InvalidToken';
}

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (roles as readonly string[]).includes(value);

/** Verified tokens remembered, so that a caller's next requests skip the signature check (about 50 µs). */
export const verifiedTokensRememberedMax = 10_000;

/**
 * Verifies a person's token: signature, algorithm, issuer, audience, expiry, and the claims a role needs.
 * A token that verified is remembered until it ends, by its expiry or its age (the same bytes verify the same way; nothing is
 * remembered for a token that failed), at most verifiedTokensRememberedMax of them, the oldest forgotten first.
 */
export const createTokenVerifier = (publicKey: KeyLike, settings: TokenSettings, clock: () => Date) => {
  const remembered = new Map<string, { principal: Principal; expiresAtMs: number }>();
  const verifySigned = verifySignedToken(publicKey, settings, clock);
  return async (token: string): Promise<Principal> => {
    const known = remembered.get(token);
    if (known && clock().getTime() < known.expiresAtMs) return known.principal;
    remembered.delete(token);
    const verified = await verifySigned(token);
    if (remembered.size >= verifiedTokensRememberedMax) remembered.delete(remembered.keys().next().value as string);
    remembered.set(token, verified);
    return verified.principal;
  };
};

const verifySignedToken = (publicKey: KeyLike, settings: TokenSettings, clock: () => Date) => {
  return async (token: string): Promise<{ principal: Principal; expiresAtMs: number }> => {
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: [tokenAlgorithm],
        issuer: settings.issuer,
        audience: settings.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: tokenLifetimeSecondsMax,
        currentDate: clock(),
      });
      if (!actorIdPattern.test(payload.sub as string))
        throw new InvalidToken(`the token's subject must match ${actorIdPattern.source}`);
      const claimedRoles = payload.roles;
      if (!Array.isArray(claimedRoles) || claimedRoles.length === 0 || !claimedRoles.every(isRole)) {
        throw new InvalidToken('the token names no known role');
      }
      if (claimedRoles.includes('consumer')) throw new InvalidToken('consumers authenticate with an API key');
      const { subjectId, authority } = payload;
      const missing = missingClaim(claimedRoles, { subjectId, authority });
      if (missing) throw new InvalidToken(missing);
      const principal: Principal = {
        id: payload.sub as string,
        kind: 'person',
        roles: claimedRoles,
        ...(typeof subjectId === 'string' ? { subjectId } : {}),
        ...(typeof authority === 'string' ? { authority } : {}),
      };
      const endsAt = Math.min(payload.exp as number, (payload.iat as number) + tokenLifetimeSecondsMax);
      return { principal, expiresAtMs: endsAt * 1_000 };
    } catch (error) {
      if (error instanceof InvalidToken) throw error;
      if (error instanceof errors.JOSEError) throw new InvalidToken(error.message);
      throw error;
    }
  };
};

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

/** What a token in these roles must also name, if it does not: a resident's own subject, a recorder's authority. */
const missingClaim = (
  claimedRoles: readonly Role[],
  { subjectId, authority }: { subjectId?: unknown; authority?: unknown },
): string | undefined => {
  if (claimedRoles.includes('resident') && typeof subjectId !== 'string')
    return "a resident's token names their subjectId";
  if (claimedRoles.includes('recorder') && typeof authority !== 'string')
    return "a recorder's token names their authority";
  return undefined;
};

export interface TokenRequest {
  subject: string;
  roles: Role[];
  subjectId?: string;
  authority?: string;
  lifetimeSeconds: number;
}

export const mintToken = async (
  privateKey: KeyLike,
  settings: TokenSettings,
  request: TokenRequest,
  now: Date,
): Promise<string> => {
  if (request.lifetimeSeconds < 1 || request.lifetimeSeconds > tokenLifetimeSecondsMax) {
    throw new RangeError(`a token lives 1 to ${tokenLifetimeSecondsMax} seconds`);
  }
  // A token the verifier would refuse is not minted: the operator learns now, not from a 401 later.
  if (!actorIdPattern.test(request.subject))
    throw new RangeError(`a token's subject must match ${actorIdPattern.source}`);
  const missing = missingClaim(request.roles, request);
  if (missing) throw new RangeError(missing);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    roles: request.roles,
    ...(request.subjectId ? { subjectId: request.subjectId } : {}),
    ...(request.authority ? { authority: request.authority } : {}),
  })
    .setProtectedHeader({ alg: tokenAlgorithm })
    .setSubject(request.subject)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + request.lifetimeSeconds)
    .sign(privateKey);
};
