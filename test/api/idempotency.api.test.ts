import request from 'supertest';
import type { LedgerService } from '../../src/service';
import {
  evidenceOf,
  fixedClock,
  ledgerHead,
  openTestService,
  registerPerson,
  signIn,
  testNow,
  type Headers,
} from '../support/ledgerService';

let service: LedgerService;
let as: Awaited<ReturnType<typeof signIn>>;
let police: Headers;

beforeEach(async () => {
  service = await openTestService();
  as = await signIn(service);
  police = await as.recorder('traffic-police');
  await registerPerson(service, 'li');
});
afterEach(() => service.close());

const ticket = { ruleCode: 'TRF-TICKET', occurredAt: '2026-10-01T08:00:00Z', evidence: [evidenceOf('trafficTicket')] };

const post = (key: string, body: object, headers = police) =>
  request(service.app).post('/v1/subjects/li/entries').set(headers).set('Idempotency-Key', key).send(body);

/** How many entries the subject's stream holds. */
const entriesPosted = async () =>
  (await service.store.readStream('subject-li')).filter((event) => event.type === 'EntryPosted').length;

describe('Idempotency-Key', () => {
  it('returns the first response to a retry and writes nothing', async () => {
    const first = await post('k-1', ticket);
    const length = await entriesPosted();
    const retry = await post('k-1', ticket);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await entriesPosted()).toBe(length);
  });

  it('writes once when two identical requests race', async () => {
    const statuses = (await Promise.all([post('k-race', ticket), post('k-race', ticket)])).map((r) => r.status).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    expect(await entriesPosted()).toBe(1);
  });

  it('refuses the same key on a different request with 422, writing nothing', async () => {
    await post('k-2', ticket);
    const length = await entriesPosted();
    const other = await post('k-2', { ...ticket, occurredAt: '2026-10-02T08:00:00Z' });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect(await entriesPosted()).toBe(length);
  });

  it('keeps two officials with the same key apart', async () => {
    await post('shared-key', ticket, await as.recorder('traffic-police', 'officer-a'));
    const other = { ...ticket, occurredAt: '2026-10-02T08:00:00Z' };
    const second = await post('shared-key', other, await as.recorder('traffic-police', 'officer-b'));
    expect(second.status).toBe(201);
    expect(await entriesPosted()).toBe(2);
  });

  it('writes each request without a key anew', async () => {
    await request(service.app).post('/v1/subjects/li/entries').set(police).send(ticket);
    await request(service.app).post('/v1/subjects/li/entries').set(police).send(ticket);
    expect(await entriesPosted()).toBe(2);
  });

  it('lets a refused request be corrected and retried under the same key', async () => {
    expect((await post('k-3', { ...ticket, ruleCode: 'NO-SUCH-RULE' })).status).toBe(422);
    expect((await post('k-3', ticket)).status).toBe(201);
  });

  it('registers a subject once when its registration without an id is retried', async () => {
    const register = () =>
      request(service.app)
        .post('/v1/subjects')
        .set(as.clerk)
        .set('Idempotency-Key', 'reg-1')
        .send({ kind: 'organization' });
    const first = await register();
    const retry = await register();
    expect(retry.body.id).toBe(first.body.id);
    expect(await service.store.readStream(`subject-${first.body.id}`)).toHaveLength(1);
  });

  it('refuses a malformed key', async () => {
    const response = await post('has space', ticket);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('Idempotency-Key');
  });
});

describe('commands retried below the API', () => {
  it('find their own first event and write nothing', async () => {
    const context = { idempotencyKey: 'lost-response', actorId: 'officer-zhang', authority: 'traffic-police' };
    const first = await service.ledger.recordEntry({ subjectId: 'li', ...ticket }, context);
    const retry = await service.ledger.recordEntry({ subjectId: 'li', ...ticket }, context);
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await entriesPosted()).toBe(1);
  });
});

describe('Idempotency-Key retention', () => {
  it('forgets a first response after the retention period; a retry then writes nothing and gets the same entry', async () => {
    const clock = fixedClock();
    const kept = await openTestService({ clock });
    try {
      await registerPerson(kept, 'wu');
      const send = async () =>
        request(kept.app)
          .post('/v1/subjects/wu/entries')
          .set(await (await signIn(kept)).recorder('traffic-police'))
          .set('Idempotency-Key', 'k-late')
          .send(ticket);
      const first = await send();
      const head = ledgerHead(kept);

      clock.set(new Date(testNow.getTime() + 6 * 86_400_000));
      await kept.scheduler.tick();
      expect((await send()).headers['idempotent-replayed']).toBe('true');

      clock.set(new Date(testNow.getTime() + 8 * 86_400_000));
      await kept.scheduler.tick();
      const late = await send();
      expect(late.headers['idempotent-replayed']).toBeUndefined();
      expect(late.body).toMatchObject({ entryId: first.body.entryId, position: first.body.position });
      expect(ledgerHead(kept)).toBe(head);
    } finally {
      await kept.close();
    }
  });
});
