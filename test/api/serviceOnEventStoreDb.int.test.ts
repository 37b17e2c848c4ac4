import pino from 'pino';
import request from 'supertest';
import { createEsdbEventStore } from '../../src/events/adapters/esdbEventStore';
import { defaultSchemePath } from '../../src/ledger/schemeLoader';
import { actedOn } from '../../src/ledger/scheduler';
import { openLedgerService, type LedgerService } from '../../src/service';
import { createFakeEsdbClient } from '../contract/fakeEsdbClient';
import { evidenceOf, fixedClock, recordEntry, registerPerson, signIn } from '../support/ledgerService';

/**
 * The service (`serve`, `rebuild`, `tick`) with its events in EventStoreDB, on the fake client: the read models stay
 * in the local SQLite file, everything else goes through the port.
 */

let service: LedgerService;
let auditor: Record<string, string>;

beforeEach(async () => {
  const clock = fixedClock();
  service = await openLedgerService({
    dbPath: ':memory:',
    schemePath: defaultSchemePath(),
    eventStore: createEsdbEventStore({ client: createFakeEsdbClient(), clock }),
    clock,
    logger: pino({ level: 'silent' }),
    onProjectionFailure: (error) => {
      throw error;
    },
  });
  auditor = (await signIn(service)).auditor;
  await registerPerson(service, 'wang');
  const ticket = (occurredAt: string, documentNumber: string) => ({
    ruleCode: 'TRF-TICKET',
    occurredAt,
    evidence: [evidenceOf('trafficTicket', documentNumber)],
  });
  await recordEntry(service, 'wang', ticket('2026-09-03T07:45:00Z', 'T-2026-0903'));
  // A year before the test's day: its effect has ended, and its expiry is due.
  await recordEntry(service, 'wang', ticket('2025-11-20T07:45:00Z', 'T-2025-1120'));
  await service.runner.catchUp(2_000);
});
afterEach(() => service.close());

const scoreOfWang = async () => (await request(service.app).get('/v1/subjects/wang/score').set(auditor)).body;

test('serves writes and reads with the events in EventStoreDB', async () => {
  expect(await scoreOfWang()).toMatchObject({ score: 995 });
});

test('rebuilds the projections from the EventStoreDB log to the same answers', async () => {
  const before = await scoreOfWang();
  await service.runner.stop();
  service.runner.reset();
  service.runner.start();
  expect(await service.runner.catchUp(2_000)).toBe(true);
  expect(await scoreOfWang()).toEqual(before);
});

test('a tick records the expiry that fell due, in EventStoreDB', async () => {
  expect(actedOn(await service.scheduler.tick())).toBeGreaterThanOrEqual(1);
  const { body } = await request(service.app).get('/v1/subjects/wang/history').set(auditor);
  expect(body.items.map((item: { type: string }) => item.type)).toContain('EntryExpired');
});

test('verifies the EventStoreDB log through the API', async () => {
  const { body } = await request(service.app).post('/v1/verify').set(auditor);
  expect(body).toMatchObject({ ok: true });
});
