import autocannon from 'autocannon';
import { runScriptMain } from '../benchScript';
import { requestsOf } from './loadRequests';
import { loadSpecVariable, type LoadOutcome, type LoadSpec } from './loadSpec';

/**
 * The load generator: a process of its own (runLoad.ts starts it), so that it never shares an event loop with
 * the server it loads; on two cores it takes one and the server the other. Reads its LoadSpec from the
 * environment, runs autocannon once, and prints one LoadOutcome as a JSON line.
 */

const outcomeOf = (spec: LoadSpec, result: autocannon.Result): LoadOutcome => {
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(
    ([status, stats]) => [status, Number(stats.count ?? 0)] as const,
  );
  const expected = statuses.find(([status]) => Number(status) === spec.expectedStatus)?.[1] ?? 0;
  return {
    requestsPerSecond: expected / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    expectedResponses: expected,
    seconds: result.duration,
    unexpectedStatuses: Object.fromEntries(statuses.filter(([status]) => Number(status) !== spec.expectedStatus)),
    errors: result.errors,
  };
};

runScriptMain(async (): Promise<LoadOutcome> => {
  const spec = JSON.parse(process.env[loadSpecVariable] ?? '') as LoadSpec;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    requests: requestsOf(spec.plan),
  });
  return outcomeOf(spec, result);
});
