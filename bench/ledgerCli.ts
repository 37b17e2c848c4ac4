import { runToCompletion, type Completed } from './childProcesses';
import { ledgerCliPath } from './paths';

/**
 * The ledger as the bench drives it: the built CLI (`node dist/src/cli/main.js <command>`) with its settings in
 * the environment, as an operator would run it. No product code runs in the bench's own processes (they share only
 * names and constants with src/: the seeded ids, the WAL threshold), so the bench measures whatever the product's
 * entry points do today.
 */

/** The day the seeded city's history ends (`seed --as-of`): the same population whatever day the bench runs. */
export const seedAsOfDate = '2026-11-26';
/**
 * The ledger's clock in every command (LEDGER_CLOCK_START, the rehearsal clock; the bench works on throw-away
 * copies): noon of the seed's last day, so that the deadlines `serve` acts on at start are the same on any day.
 */
export const ledgerClockStart = `${seedAsOfDate}T12:00:00Z`;
/** High enough that the per-caller limiter never throttles the load generator, which is one caller. */
const rateLimitPerMinute = 1_000_000_000;
/**
 * The failed-authentication limiter counts every request while it is in flight and forgets it only once it has
 * succeeded, so more than its limit of concurrent requests from one address (the load generator's 50
 * connections) are refused with 429 although none failed. Raised like the per-caller limit, so that the figures
 * measure the work rather than the limiter.
 */
const failedAuthenticationsPerMinute = 1_000_000_000;
/** Longer than any bench run: no scheduled tick or checkpoint lands in the middle of a measurement. */
const schedulerSeconds = 86_400;
const checkpointHours = 8_760;

const isLedgerSetting = (name: string): boolean =>
  name.startsWith('LEDGER_') || name.startsWith('ESDB_') || name === 'PORT' || name === 'LOG_LEVEL';

export const ledgerEnvironment = (dbPath: string): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !isLedgerSetting(name))),
  LEDGER_DB: dbPath,
  PORT: '0',
  LOG_LEVEL: 'warn',
  LEDGER_DEMO: '0',
  LEDGER_RATE_LIMIT_PER_MINUTE: String(rateLimitPerMinute),
  LEDGER_FAILED_AUTH_PER_MINUTE: String(failedAuthenticationsPerMinute),
  LEDGER_SCHEDULER_SECONDS: String(schedulerSeconds),
  LEDGER_CHECKPOINT_HOURS: String(checkpointHours),
  LEDGER_CLOCK_START: ledgerClockStart,
});

export const ledgerCommand = (args: readonly string[]): string[] => [ledgerCliPath, ...args];

/** Runs one ledger command on `dbPath` to its end; timed from spawn to exit. */
export const runLedger = (dbPath: string, args: readonly string[]): Promise<Completed> =>
  runToCompletion(process.execPath, ledgerCommand(args), ledgerEnvironment(dbPath));
