import request from 'supertest';
import type { LedgerService } from '../../src/service';
import {
  evidenceOf,
  fixedClock,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
  type Headers,
  type TestClock,
} from '../support/ledgerService';

/**
 * A subject with a correction: a ticket recorded on 1 March and reversed on 1 May, a second ticket
 * recorded on 1 April. Replays as of 15 April must differ by view: known (what the ledger showed then:
 * both tickets) and corrected (what it should have shown: only the second).
 */

let service: LedgerService;
let clock: TestClock;
let auditor: Headers;

const at = (date: string) => new Date(`${date}T12:00:00.000Z`);
const ticket = (occurredAt: string, number: string) => ({
  ruleCode: 'TRF-TICKET',
  occurredAt,
  evidence: [evidenceOf('trafficTicket', number)],
});

beforeAll(async () => {
  clock = fixedClock(at('2026-02-01'));
  service = await openTestService({ clock });
  await registerPerson(service, 'li');
  clock.set(at('2026-03-01'));
  const first = await recordEntry(service, 'li', ticket('2026-02-27T08:00:00Z', 'T-1'));
  clock.set(at('2026-04-01'));
  await recordEntry(service, 'li', ticket('2026-03-30T08:00:00Z', 'T-2'));
  clock.set(at('2026-05-01'));
  await service.ledger.reverseEntry(
    { subjectId: 'li', entryId: first.body.entryId, reason: 'objectionReversed', reasons: 'the plate was misread' },
    { idempotencyKey: 'reverse-1', actorId: 'officer-zhou' },
  );
  clock.set(at('2026-11-26'));
  await service.runner.catchUp(2_000);
  auditor = (await signIn(service)).auditor;
});
afterAll(() => service.close());

const scoreAsOf = (query: string) => request(service.app).get(`/v1/subjects/li/score?${query}`).set(auditor);
const historyAsOf = (query: string) => request(service.app).get(`/v1/subjects/li/history?${query}`).set(auditor);

describe('a score replayed as of a past instant', () => {
  it('as known then, counts what had been recorded, the later-reversed entry included', async () => {
    const { body } = await scoreAsOf('asOf=2026-04-15T00:00:00Z&view=known');
    expect([body.score, body.view, body.asOf]).toEqual([990, 'known', '2026-04-15T00:00:00.000Z']);
  });

  it('as corrected, leaves out the entry reversed since', async () => {
    const { body } = await scoreAsOf('asOf=2026-04-15T00:00:00Z&view=corrected');
    expect([body.score, body.view]).toEqual([995, 'corrected']);
    expect(body.explanation.entries).toHaveLength(1);
  });

  it('as known before the second entry was recorded, counts only the first', async () => {
    expect((await scoreAsOf('asOf=2026-03-15T00:00:00Z&view=known')).body.score).toBe(995);
  });

  it('is corrected by default', async () => {
    expect((await scoreAsOf('asOf=2026-04-15T00:00:00Z')).body.view).toBe('corrected');
  });

  it('answers 404 before the subject was registered', async () => {
    expect((await scoreAsOf('asOf=2026-01-15T00:00:00Z&view=known')).status).toBe(404);
  });

  it.each(['yesterday', '2026-04-15T00:00:00%2B08', '2026-04-15T23:59:60Z'])(
    'refuses an instant it cannot read (%s) with 400',
    async (asOf) => {
      expect((await scoreAsOf(`asOf=${asOf}`)).status).toBe(400);
    },
  );
});

describe('a replay asked of a read that has none', () => {
  it.each(['/v1/subjects/li', '/v1/subjects/li/listings'])(
    'is refused (400) rather than answered with the record as it is now: %s',
    async (path) => {
      const response = await request(service.app).get(`${path}?asOf=2026-04-15T00:00:00Z`).set(auditor);
      expect(response.status).toBe(400);
      expect(response.body.type).toBe('/problems/validation-failed');
    },
  );

  it.each(['score', 'history'])('is refused when the %s names a view without asOf', async (read) => {
    const response = await request(service.app).get(`/v1/subjects/li/${read}?view=known`).set(auditor);
    expect(response.status).toBe(400);
  });
});

describe('a history replayed as of a past instant', () => {
  it('as known then, ends with what had been recorded by then', async () => {
    const { body } = await historyAsOf('asOf=2026-04-15T00:00:00Z&view=known');
    expect(body.items.map((item: { type: string; balance: number }) => [item.type, item.balance])).toEqual([
      ['SubjectRegistered', 1000],
      ['EntryPosted', 995],
      ['SubjectNotified', 995],
      ['EntryPosted', 990],
      ['SubjectNotified', 990],
    ]);
  });

  it('as corrected, shows the reversal recorded since', async () => {
    const { body } = await historyAsOf('asOf=2026-04-15T00:00:00Z&view=corrected');
    expect(body.items.map((item: { type: string }) => item.type)).toContain('EntryReversed');
  });

  it.each(['2026-03-15T00:00:00Z', '2026-04-15T00:00:00Z'])(
    'as corrected at %s, ends on the balance of the corrected score then, counting no later conduct',
    async (asOf) => {
      const history = (await historyAsOf(`asOf=${asOf}&view=corrected`)).body;
      const score = (await scoreAsOf(`asOf=${asOf}&view=corrected`)).body;
      expect(history.items.at(-1).balance).toBe(score.score);
    },
  );
});
