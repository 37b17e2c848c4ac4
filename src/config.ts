import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { defaultCalendarPath } from './ledger/calendarLoader';
import { defaultSchemePath } from './ledger/schemeLoader';

/**
 * Configuration from the environment, read once at start and frozen. Every variable has a default that
 * works on a fresh machine; the README lists them all.
 */
export interface Config {
  port: number;
  dbPath: string;
  schemePath: string;
  calendarPath: string;
  esdbConnectionString?: string;
  demoData: boolean;
  logLevel: string;
  /** Tokens: verified with this PEM public key (an identity provider's) instead of the ledger's own key. */
  jwtPublicKeyFile?: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** Hex, at least 32 bytes: the pepper of API key hashes, kept outside the database. */
  apiKeyPepper?: Buffer;
  rateLimitPerMinute: number;
  failedAuthenticationsPerMinute: number;
  proofsPerMinute: number;
  /** The proxies in front of the ledger whose X-Forwarded-For names the client; none unless set. */
  trustProxy?: TrustProxy;
  schedulerIntervalSeconds: number;
  checkpointHours: number;
  idempotencyDays: number;
  /** A rehearsal clock: the ledger's time starts at this instant and runs on from there. Never in production. */
  clockStart?: Date;
}

/** The clock every part is given: real time, or real time shifted to start at LEDGER_CLOCK_START. */
export const clockOf = (config: Pick<Config, 'clockStart'>, startedAt = Date.now()): (() => Date) => {
  const { clockStart } = config;
  if (!clockStart) return () => new Date();
  const offsetMs = clockStart.getTime() - startedAt;
  return () => new Date(Date.now() + offsetMs);
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const portFrom = (text: string): number => {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ConfigError(`PORT must be a port number, not ${text}`);
  return port;
};

const flagFrom = (name: string, text: string): boolean => {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0, not ${text}`);
};

const positiveIntegerFrom = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ConfigError(`${name} must be a positive whole number, not ${text}`);
  return value;
};

const pepperFrom = (text: string): Buffer => {
  if (!/^([0-9a-f]{2}){32,}$/i.test(text))
    throw new ConfigError('LEDGER_API_KEY_PEPPER must be at least 32 bytes of hex');
  return Buffer.from(text, 'hex');
};

/** An ISO date-time (a date, T, a time), or undefined: Date alone also takes "2026" and "April 5". */
export const isoInstantOf = (text: string): Date | undefined => {
  const instant = new Date(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(instant.getTime()) ? instant : undefined;
};

/** What a refusal of an instant says, naming where it was given. */
export const notAnInstant = (name: string, text: string): string =>
  `${name} must be an ISO date-time such as 2027-01-05T09:00:00+08:00, not ${text}`;

const instantFrom = (name: string, text: string): Date => {
  const instant = isoInstantOf(text);
  if (!instant) throw new ConfigError(notAnInstant(name, text));
  return instant;
};

/**
 * Which proxies' X-Forwarded-For to believe, as express's `trust proxy` takes it: how many hops in front of the
 * ledger, or which addresses and subnets (and express's names loopback, linklocal, uniquelocal). Without it, the
 * client of every limit per address is the connection's peer, so behind a proxy every caller shares one address.
 */
export type TrustProxy = number | string[];

const proxyNames = ['loopback', 'linklocal', 'uniquelocal'];

const isProxyAddress = (entry: string): boolean => {
  if (proxyNames.includes(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  const bitsMax = version === 6 ? 128 : 32;
  return (
    version !== 0 && rest.length === 0 && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= bitsMax))
  );
};

const trustProxyFrom = (text: string): TrustProxy => {
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const wrong = entries.find((entry) => !isProxyAddress(entry));
  if (wrong !== undefined) {
    throw new ConfigError(
      `LEDGER_TRUST_PROXY must be a number of proxies or addresses and subnets separated by commas, not ${wrong}`,
    );
  }
  return entries;
};

const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(process.cwd(), path));

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Readonly<Config> => {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!logLevels.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}`);
  const esdb = env.ESDB_CONNECTION_STRING;
  if (esdb !== undefined && !/^esdb(\+discover)?:\/\//.test(esdb)) {
    throw new ConfigError('ESDB_CONNECTION_STRING must start with esdb:// or esdb+discover://');
  }
  return Object.freeze({
    port: portFrom(env.PORT ?? '3000'),
    dbPath: env.LEDGER_DB === ':memory:' ? ':memory:' : absolute(env.LEDGER_DB ?? 'data/ledger.db'),
    schemePath: env.LEDGER_SCHEME ? absolute(env.LEDGER_SCHEME) : defaultSchemePath(),
    calendarPath: env.LEDGER_CALENDAR ? absolute(env.LEDGER_CALENDAR) : defaultCalendarPath(),
    ...(esdb ? { esdbConnectionString: esdb } : {}),
    demoData: flagFrom('LEDGER_DEMO', env.LEDGER_DEMO ?? '1'),
    logLevel,
    ...(env.LEDGER_JWT_PUBLIC_KEY_FILE ? { jwtPublicKeyFile: absolute(env.LEDGER_JWT_PUBLIC_KEY_FILE) } : {}),
    jwtIssuer: env.LEDGER_JWT_ISSUER ?? 'credit-ledger',
    jwtAudience: env.LEDGER_JWT_AUDIENCE ?? 'credit-ledger-api',
    ...(env.LEDGER_API_KEY_PEPPER ? { apiKeyPepper: pepperFrom(env.LEDGER_API_KEY_PEPPER) } : {}),
    rateLimitPerMinute: positiveIntegerFrom('LEDGER_RATE_LIMIT_PER_MINUTE', env.LEDGER_RATE_LIMIT_PER_MINUTE ?? '600'),
    ...(env.LEDGER_CLOCK_START ? { clockStart: instantFrom('LEDGER_CLOCK_START', env.LEDGER_CLOCK_START) } : {}),
    checkpointHours: positiveIntegerFrom('LEDGER_CHECKPOINT_HOURS', env.LEDGER_CHECKPOINT_HOURS ?? '24'),
    idempotencyDays: positiveIntegerFrom('LEDGER_IDEMPOTENCY_DAYS', env.LEDGER_IDEMPOTENCY_DAYS ?? '7'),
    schedulerIntervalSeconds: positiveIntegerFrom('LEDGER_SCHEDULER_SECONDS', env.LEDGER_SCHEDULER_SECONDS ?? '60'),
    failedAuthenticationsPerMinute: positiveIntegerFrom(
      'LEDGER_FAILED_AUTH_PER_MINUTE',
      env.LEDGER_FAILED_AUTH_PER_MINUTE ?? '20',
    ),
    proofsPerMinute: positiveIntegerFrom('LEDGER_PROOFS_PER_MINUTE', env.LEDGER_PROOFS_PER_MINUTE ?? '30'),
    ...(env.LEDGER_TRUST_PROXY ? { trustProxy: trustProxyFrom(env.LEDGER_TRUST_PROXY) } : {}),
  });
};
