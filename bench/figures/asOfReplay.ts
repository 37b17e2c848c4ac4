import type { Headers } from '../credentials';
import { below } from '../goals';
import { ledgerClockStart } from '../ledgerCli';
import { postJson } from '../ledgerHttp';
import { streamLength } from '../logCounts';
import { residentId } from '../residents';
import { startWarmedLedgerServer, withServers } from '../serverProcess';
import { formatCount } from '../format';
import { step } from '../stepLog';
import { trafficTicket } from '../trafficTicket';
import { measureLoads } from './httpLoads';
import { metrics, type Figure } from './figure';

/**
 * As-of replay of one subject: entries are recorded for a resident through the API (as the traffic police)
 * until its stream holds streamEventsWanted events, then its score is read as of an instant after them, in both
 * views (`corrected` and `known`, in turn), at one connection: latency is the figure.
 */

const replayedSubject = residentId(2);
const streamEventsWanted = 200;
/** A day after the ledger's clock starts (ledgerCli.ts), so after every event the bench records. */
const replayInstant = new Date(Date.parse(ledgerClockStart) + 86_400_000).toISOString().replace('.000Z', 'Z');

const appendUntilStreamHolds = async (url: string, dbPath: string, recorder: Headers): Promise<number> => {
  const stream = `subject-${replayedSubject}`;
  // Each entry adds at least one event, so this many entries always suffice.
  for (let entry = 1; entry <= streamEventsWanted && streamLength(dbPath, stream) < streamEventsWanted; entry += 1) {
    const documentNumber = `bench-as-of-${entry}`;
    const answer = await postJson(
      `${url}/v1/subjects/${replayedSubject}/entries`,
      { ...recorder, 'Idempotency-Key': documentNumber },
      trafficTicket(documentNumber),
    );
    if (answer.status !== 201) throw new Error(`recording an entry answered ${answer.status}: ${answer.body}`);
  }
  return streamLength(dbPath, stream);
};

export const asOfReplay: Figure = {
  id: 'asOfReplay',
  title: 'as-of replay of one subject',
  primary: { metric: metrics.p99Ms, unit: 'ms', higherIsBetter: false },
  goals: [below(metrics.p99Ms, 5, 'ms', 'p99')],
  growth: 'constant',
  prerequisites: ['projectionsBuilt', 'checkpointIssued'],
  measure: ({ settings, dbPath, credentials }) =>
    withServers([() => startWarmedLedgerServer(dbPath)], async ([ledger]) => {
      const events = await appendUntilStreamHolds(ledger.url, dbPath, credentials.recorder);
      step(`  ${replayedSubject}'s stream holds ${formatCount(events)} events`);
      const path = `/v1/subjects/${replayedSubject}/score?asOf=${replayInstant}`;
      const measurement = await measureLoads(settings, {
        url: ledger.url,
        plan: {
          kind: 'cyclePaths',
          paths: [`${path}&view=corrected`, `${path}&view=known`],
          headers: credentials.auditor,
        },
        expectedStatus: 200,
        connections: 1,
      });
      return {
        ...measurement,
        notes: [`${replayedSubject} with ${events} events, as of ${replayInstant}, views corrected and known in turn`],
      };
    }),
};
