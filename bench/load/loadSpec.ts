import type { Headers } from '../credentials';

/**
 * What the parent asks of a load generator process, and what it answers. The generator builds every request
 * itself from a plan (functions do not cross a process boundary), so that each request can differ: a random
 * subject, a unique idempotency key, a unique evidence document.
 */

/** Where a getResident path names its resident. */
export const residentPlaceholder = '{resident}';

export type RequestPlan =
  /** POST /v1/subjects/<random resident>/entries: a traffic ticket with a unique key and document number. */
  | { kind: 'recordEntry'; residents: number; headers: Headers }
  /** GET `path`, with residentPlaceholder in it replaced by a random resident for each request. */
  | { kind: 'getResident'; path: string; residents: number; headers: Headers }
  /** The same paths in turn. */
  | { kind: 'cyclePaths'; paths: string[]; headers: Headers };

export interface LoadSpec {
  /** http://host:port, without a trailing slash. */
  url: string;
  connections: number;
  durationSeconds: number;
  /** The one status every answer must have; any other is counted and makes the run a failure. */
  expectedStatus: number;
  plan: RequestPlan;
}

export interface LoadOutcome {
  /** Answers with the expected status a second. */
  requestsPerSecond: number;
  /** autocannon's latency percentiles, in whole milliseconds. */
  p50Ms: number;
  p99Ms: number;
  expectedResponses: number;
  seconds: number;
  /** Answers of any other status, by status. */
  unexpectedStatuses: Record<string, number>;
  /** Connection errors, timeouts included. */
  errors: number;
}

/** Why a run cannot stand as a figure, or undefined when every request got the expected answer. */
export const loadFailure = (outcome: LoadOutcome): string | undefined => {
  const statuses = Object.entries(outcome.unexpectedStatuses).map(([status, count]) => `${count} × ${status}`);
  const problems = [...(outcome.errors > 0 ? [`${outcome.errors} connection errors`] : []), ...statuses];
  return problems.length > 0 ? `unexpected answers: ${problems.join(', ')}` : undefined;
};

/** The environment variable that carries the spec to the generator (not argv: it holds credentials). */
export const loadSpecVariable = 'BENCH_LOAD_SPEC';
