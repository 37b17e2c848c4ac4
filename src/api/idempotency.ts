import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { canonicalJson } from '../events/canonicalJson';
import { freshIdempotencyKey, type CommandContext } from '../ledger/commandHandler';
import { principalOf, type Principal } from './auth/principal';
import type { IdempotencyRecords } from './idempotencyRecords';
import { Problem } from './problems';

/**
 * Writes accept an `Idempotency-Key` header: a retry with the same key (from the same actor) returns the
 * first response, marked `Idempotent-Replayed: true`, and writes nothing. The same key on a different
 * request is refused (422); while the first request is still running, a second one gets 409.
 * Keys are scoped to the authenticated principal, so two officials' keys never collide.
 */

export const idempotencyKeyHeader = 'Idempotency-Key';
const keyPattern = /^[\x21-\x7e]{1,255}$/;

export interface CommandResponse {
  status: number;
  body: unknown;
  location?: string;
}

/** What a write route does once the key and actor are known. */
export type IdempotentCommand = (
  req: Request,
  context: CommandContext & { principal: Principal },
) => Promise<CommandResponse>;

/**
 * The key as the ledger keeps it, scoped to the actor. An actor id may contain ':' (`urn:...`), so such an id is
 * prefixed with its length: actor `a` with key `b:k` and actor `a:b` with key `k` stay apart. Ids without one (never
 * containing '#' either) keep the plain form every key stored so far has.
 */
const actorScopedKey = (actorId: string, key: string): string =>
  actorId.includes(':') ? `${actorId.length}#${actorId}:${key}` : `${actorId}:${key}`;

const fingerprintOf = (req: Request): string =>
  createHash('sha256')
    .update(`${req.method} ${req.baseUrl}${req.path}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');

/** Wraps a write route's command in the idempotency and actor handling above. */
export type IdempotentRoute = (command: IdempotentCommand) => RequestHandler;

export const createIdempotentRoute = (records: IdempotencyRecords, clock: () => Date): IdempotentRoute => {
  const inFlight = new Set<string>();
  return (command) => async (req, res) => {
    const principal = principalOf(res);
    const actorId = principal.id;
    const header = req.get(idempotencyKeyHeader);
    if (header !== undefined && !keyPattern.test(header)) {
      throw new Problem('validation-failed', `${idempotencyKeyHeader}: 1 to 255 visible ASCII characters`, {
        errors: [{ in: 'header', field: idempotencyKeyHeader, message: '1 to 255 visible ASCII characters' }],
      });
    }
    const idempotencyKey = actorScopedKey(actorId, header ?? freshIdempotencyKey());
    const fingerprint = fingerprintOf(req);
    const earlier = records.find(idempotencyKey);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        throw new Problem('idempotency-key-reused', `the key ${header} was first used for a different request`);
      }
      if (earlier.location) res.location(earlier.location);
      res.status(earlier.status).set('Idempotent-Replayed', 'true').json(earlier.body);
      return;
    }
    if (inFlight.has(idempotencyKey)) {
      throw new Problem('idempotency-key-in-flight', `a request with key ${header} is still being processed`);
    }
    inFlight.add(idempotencyKey);
    try {
      // The ledger keeps the fingerprint with the command's events: once this record is forgotten, the key reused on
      // another request is still refused there, instead of being answered with the first command's result.
      const response = await command(req, {
        idempotencyKey,
        actorId,
        ...(principal.subjectId ? { actorSubjectId: principal.subjectId } : {}),
        principal,
        ...(header === undefined ? {} : { requestFingerprint: fingerprint }),
      });
      if (header !== undefined) {
        const { status, body, location } = response;
        await records.save(idempotencyKey, { fingerprint, status, body, ...(location ? { location } : {}) }, clock());
      }
      if (response.location) res.location(response.location);
      res.status(response.status).json(response.body);
    } finally {
      inFlight.delete(idempotencyKey);
    }
  };
};
