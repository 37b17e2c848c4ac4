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
    const other = { ...ticket, occurredAt: '2026-10-02T08:00:00Z', evidence: [evidenceOf('trafficTicket', 'T-2')] };
    const second = await post('shared-key', other, await as.recorder('traffic-police', 'officer-b'));
    expect(second.status).toBe(201);
    expect(await entriesPosted()).toBe(2);
  });

  it("keeps apart officials whose id and key join into the same text ('a' with 'b:k', 'a:b' with 'k')", async () => {
    await post('b:k', ticket, await as.recorder('traffic-police', 'officer'));
    const other = { ...ticket, evidence: [evidenceOf('trafficTicket', 'T-2')] };
    const second = await post('k', other, await as.recorder('traffic-police', 'officer:b'));
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(await entriesPosted()).toBe(2);
  });

  it('writes each request without a key anew', async () => {
    const another = { ...ticket, evidence: [evidenceOf('trafficTicket', 'T-2')] };
    await request(service.app).post('/v1/subjects/li/entries').set(police).send(ticket);
    await request(service.app).post('/v1/subjects/li/entries').set(police).send(another);
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

  it('returns the Location of the first response to a retry', async () => {
    const register = () =>
      request(service.app)
        .post('/v1/subjects')
        .set(as.clerk)
        .set('Idempotency-Key', 'reg-2')
        .send({ kind: 'organization' });
    const first = await register();
    const retry = await register();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(first.headers.location).toBe(`/v1/subjects/${first.body.id}`);
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
  const clock = fixedClock();
  let kept: LedgerService;
  beforeEach(async () => {
    clock.set(testNow);
    kept = await openTestService({ clock });
    await registerPerson(kept, 'wu');
    await registerPerson(kept, 'zhao');
  });
  afterEach(() => kept.close());

  const send = async (body: object, subjectId = 'wu') =>
    request(kept.app)
      .post(`/v1/subjects/${subjectId}/entries`)
      .set(await (await signIn(kept)).recorder('traffic-police'))
      .set('Idempotency-Key', 'k-late')
      .send(body);
  const daysLater = async (days: number) => {
    clock.set(new Date(testNow.getTime() + days * 86_400_000));
    await kept.scheduler.tick();
  };
  const ticketsOf = async (subjectId: string) =>
    (await kept.store.readStream(`subject-${subjectId}`)).filter((event) => event.type === 'EntryPosted').length;

  it('forgets a first response after the retention period; a retry then writes nothing and gets the same entry', async () => {
    const first = await send(ticket);
    const head = ledgerHead(kept);
    await daysLater(6);
    expect((await send(ticket)).headers['idempotent-replayed']).toBe('true');
    await daysLater(8);
    const late = await send(ticket);
    expect(late.headers['idempotent-replayed']).toBeUndefined();
    expect(late.body).toMatchObject({ entryId: first.body.entryId, position: first.body.position });
    expect(ledgerHead(kept)).toBe(head);
  });

  it('refuses a different request under a key forgotten since, writing nothing, instead of answering it with the first', async () => {
    await send(ticket);
    await daysLater(8);
    const head = ledgerHead(kept);
    const other = await send({
      ...ticket,
      occurredAt: '2026-10-02T08:00:00Z',
      evidence: [evidenceOf('trafficTicket', 'T-2')],
    });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect(await ticketsOf('wu')).toBe(1);
    expect(ledgerHead(kept)).toBe(head);
  });

  it('refuses a request about another subject under a key forgotten since, writing nothing', async () => {
    await send(ticket);
    await daysLater(8);
    const other = await send(ticket, 'zhao');
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect(await ticketsOf('zhao')).toBe(0);
  });
});
