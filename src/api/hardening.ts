import type { RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options } from 'express-rate-limit';
import { principalOf } from './auth/principal';
import { Problem } from './problems';

/**
 * Limits on what one client can make the ledger do (OWASP API4): how deeply a body may nest, how many requests a
 * principal may make, and how many failed authentications may come from one address.
 */

/**
 * Deeper than any body the API accepts (the deepest, an entry with its evidence, nests 3 levels). JSON.parse
 * copes with any depth, but schema validation and canonical JSON recurse: this bound keeps them far from the
 * stack's end.
 */
export const bodyDepthMax = 8;

/** Whether the value nests more than depthMax objects or arrays; iterative, so any depth is safe to check. */
const nestsDeeperThan = (value: unknown, depthMax: number): boolean => {
  const unvisited: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  for (let node = unvisited.pop(); node; node = unvisited.pop()) {
    if (node.value === null || typeof node.value !== 'object') continue;
    if (node.depth > depthMax) return true;
    for (const member of Object.values(node.value)) unvisited.push({ value: member, depth: node.depth + 1 });
  }
  return false;
};

/** Refuses a parsed JSON body nested deeper than depthMax; put it after express.json, before any validation. */
export const limitBodyDepth =
  (depthMax: number = bodyDepthMax): RequestHandler =>
  (req, _res, next) => {
    if (nestsDeeperThan(req.body, depthMax)) {
      throw new Problem('body-too-deep', `the request body nests objects and arrays more than ${depthMax} deep`, {
        depthMax,
      });
    }
    next();
  };

const windowMs = 60_000;

const checkLimit = (limitPerMinute: number): number => {
  if (!Number.isSafeInteger(limitPerMinute) || limitPerMinute < 1) {
    throw new RangeError(`a rate limit is a whole number of requests per minute, at least 1, not ${limitPerMinute}`);
  }
  return limitPerMinute;
};

/** What both limiters share: a one-minute window, the standard headers, and a problem+json 429. */
const limiterOptions = (limitPerMinute: number, refusal: string): Partial<Options> => ({
  windowMs,
  limit: checkLimit(limitPerMinute),
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  // The limiter has set Retry-After (the seconds until the window resets) before it calls this.
  handler: (_req, _res, next) => next(new Problem('rate-limited', refusal, { limitPerMinute })),
});

/**
 * At most limitPerMinute requests per authenticated principal: keyed on who calls, not from where, so that the
 * officials behind one office gateway do not share one budget. Put it after authentication.
 */
export const rateLimitPerPrincipal = ({ limitPerMinute }: { limitPerMinute: number }): RequestHandler =>
  rateLimit({
    ...limiterOptions(limitPerMinute, `at most ${limitPerMinute} requests a minute per caller`),
    keyGenerator: (_req, res) => principalOf(res).id,
  });

/**
 * At most limitPerMinute requests per client address (its /56 subnet for IPv6), for what anyone may ask without
 * credentials and costs the server much: the public proofs.
 */
export const rateLimitPerAddress = ({ limitPerMinute }: { limitPerMinute: number }): RequestHandler => {
  const keyOf = keyOfAddress();
  return rateLimit({
    ...limiterOptions(limitPerMinute, `at most ${limitPerMinute} requests a minute per address`),
    keyGenerator: (incoming) => keyOf(incoming.ip ?? ''),
  });
};

/** Addresses whose keys are remembered; past it, the memory starts afresh. */
export const addressKeysMax = 10_000;

/**
 * The limiter's key of a client address: an IPv6 address is keyed by its /56 subnet, since one client holds a whole
 * subnet and could rotate through it. ipKeyGenerator parses the address each time it is called, which took a tenth
 * of a score read's time; a ledger's callers come from few addresses (their gateways), so the keys are remembered.
 */
const keyOfAddress = (): ((address: string) => string) => {
  const keys = new Map<string, string>();
  return (address) => {
    let key = keys.get(address);
    if (key === undefined) {
      if (keys.size >= addressKeysMax) keys.clear();
      key = ipKeyGenerator(address);
      keys.set(address, key);
    }
    return key;
  };
};

/**
 * At most limitPerMinute failed authentications (401s) per client address, against guessing tokens and API keys.
 * Once over it, every request from the address is refused until the window ends, valid credentials included:
 * otherwise a guesser would learn which guess worked from the answer that was not a 429. Put it before
 * authentication, so that it sees the 401s.
 *
 * Only answered 401s count: express-rate-limit's skipSuccessfulRequests counts every request while it is in flight
 * and forgets the successful ones afterwards, so that many concurrent valid requests from one address (a busy
 * gateway) were refused as if they had failed. Hence the library's store, counted by hand when a 401 goes out.
 */
export const rateLimitFailedAuthentication = ({ limitPerMinute }: { limitPerMinute: number }): RequestHandler => {
  const limit = checkLimit(limitPerMinute);
  const failures = new MemoryStore();
  failures.init({ windowMs } as Options);
  const keyOf = keyOfAddress();
  return async (req, res, next) => {
    const key = keyOf(req.ip ?? '');
    const counted = await failures.get(key);
    if (counted && counted.totalHits >= limit) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(((counted.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000),
      );
      res.set('Retry-After', String(retryAfterSeconds));
      throw new Problem('rate-limited', `at most ${limit} failed authentications a minute per address`, {
        limitPerMinute: limit,
      });
    }
    res.on('finish', () => {
      if (res.statusCode === 401) void failures.increment(key);
    });
    next();
  };
};
