import type autocannon from 'autocannon';
import { randomResident } from '../residents';
import { trafficTicket } from '../trafficTicket';
import { residentPlaceholder, type RequestPlan } from './loadSpec';

/**
 * The requests of a load plan, as autocannon requests whose setupRequest draws a fresh subject (and, for a
 * write, a fresh idempotency key and evidence document) for every request sent.
 */

/** Unique across runs and generator processes: idempotency keys and document numbers must never repeat. */
const runTag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
let requestsMade = 0;

export const requestsOf = (plan: RequestPlan): autocannon.Request[] => {
  switch (plan.kind) {
    case 'recordEntry':
      return [
        {
          method: 'POST',
          setupRequest: (request) => {
            requestsMade += 1;
            const unique = `bench-${runTag}-${requestsMade}`;
            return {
              ...request,
              path: `/v1/subjects/${randomResident(plan.residents)}/entries`,
              headers: { ...plan.headers, 'content-type': 'application/json', 'idempotency-key': unique },
              body: JSON.stringify(trafficTicket(unique)),
            };
          },
        },
      ];
    case 'getResident':
      return [
        {
          method: 'GET',
          headers: plan.headers,
          setupRequest: (request) => ({
            ...request,
            path: plan.path.replace(residentPlaceholder, randomResident(plan.residents)),
          }),
        },
      ];
    case 'cyclePaths':
      return plan.paths.map((path) => ({ method: 'GET', headers: plan.headers, path }));
  }
};
