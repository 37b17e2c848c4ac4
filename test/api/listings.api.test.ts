import type { Express } from 'express';
import request from 'supertest';
import { createAccessRecorder, type AccessRecorder } from '../../src/api/accessRecorder';
import { authorize } from '../../src/api/auth/authenticate';
import { createIdempotentRoute } from '../../src/api/idempotency';
import { createIdempotencyRecords } from '../../src/api/idempotencyRecords';
import { listingRoutes } from '../../src/api/routes/listings';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import type { EventStore } from '../../src/events/eventStore';
import { accessLogStream, listingStream, type RecordsAccessed } from '../../src/events/ledgerEvents';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { createLedger } from '../../src/ledger/ledger';
import { createListings } from '../../src/ledger/listings';
import { publishScheme } from '../../src/ledger/schemePublication';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { createListingsProjection } from '../../src/projections/listingsProjection';
import { createProjectionRunner, type ProjectionRunner } from '../../src/projections/runner';
import { schemaRegistry } from '../../src/schemaRegistry';
import { chinaUntil2026 } from '../support/calendars';
import { evidenceOf, fixedClock, type TestClock } from '../support/ledgerService';
import {
  as,
  auditor as auditorPrincipal,
  authenticateFromTestHeader,
  residentOf,
  testApp,
} from '../support/testPrincipals';

const schemas = schemaRegistry();
/** Ends with 2026 whatever years the shipped calendar adds: the deadlines at the end of December run past it. */
const calendar = chinaUntil2026();

const judge = as({ id: 'judge-sun', kind: 'person', roles: ['recorder'], authority: 'court' });
const honoursClerk = as({ id: 'clerk-he', kind: 'person', roles: ['recorder'], authority: 'civilisation-office' });
const marketInspector = as({
  id: 'inspector-qian',
  kind: 'person',
  roles: ['recorder'],
  authority: 'market-regulator',
});
const recorderWithoutAuthority = as({ id: 'clerk-wu', kind: 'person', roles: ['recorder'] });
const auditor = as(auditorPrincipal);
const resident = as(residentOf('li'));

let clock: TestClock;
let store: EventStore;
let runner: ProjectionRunner;
let recorder: AccessRecorder;
let app: Express;

beforeEach(async () => {
  clock = fixedClock();
  const db = openLedgerDatabase(':memory:');
  store = withEventValidation(createSqliteEventStore({ db, clock }), schemas);
  const schemes = await publishScheme(store, loadScheme(defaultSchemePath()), clock(), 'system');
  const ledger = createLedger({ store, schemes, clock });
  for (const [subjectId, kind] of [
    ['li', 'person'],
    ['wang', 'person'],
    ['acme', 'organization'],
  ] as const) {
    await ledger.registerSubject(
      { subjectId, kind, ...(kind === 'person' ? { birthDate: '1980-01-01' } : {}) },
      { idempotencyKey: `register-${subjectId}`, actorId: 'clerk' },
    );
  }
  const listingsView = createListingsProjection(db, { schemes, calendar });
  recorder = createAccessRecorder({
    store,
    clock,
    batchSizeMax: 100,
    flushIntervalMs: 1_000,
    onFailure: (error) => {
      throw error;
    },
  });
  runner = createProjectionRunner({
    store,
    db,
    projections: [listingsView],
    onFailure: (error) => {
      throw error;
    },
  });
  runner.start();
  app = testApp((routes) => {
    routes.use(authenticateFromTestHeader);
    routes.use(
      '/v1',
      listingRoutes({
        listings: createListings({ store, schemes, calendar, clock }),
        listingsView,
        authorize,
        schemas,
        clock,
        idempotent: createIdempotentRoute(createIdempotencyRecords(db), clock),
        runner,
        recorder,
      }),
    );
  });
});
afterEach(async () => {
  await recorder.close();
  await runner.stop();
});

const blacklistLi = {
  list: 'blacklist',
  subjectId: 'li',
  ground: 'ABLE_BUT_REFUSING',
  legalAct: evidenceOf('courtJudgment', 'ENF-2026-0123'),
  restrictions: ['NO_FLIGHT', 'NO_G_TRAIN'],
  listedAt: '2026-11-02T02:00:00Z',
};

const post = (path: string, body: object, headers: Record<string, string> = judge) =>
  request(app).post(`/v1${path}`).set(headers).send(body);

const addListing = async (body: object = blacklistLi, headers: Record<string, string> = judge) => {
  const response = await post('/listings', body, headers);
  if (response.status !== 201) throw new Error(`listing failed: ${JSON.stringify(response.body)}`);
  return response.body as { listingId: string; until: string; position: string };
};

/** Expects the call to be refused with `status` and problem `code`, and the log to end where it ended before. */
const expectRefused = async (call: () => request.Test, status: number, code: string) => {
  const before = await store.headPosition();
  const response = await call();
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `/problems/${code}`, status });
  expect(await store.headPosition()).toBe(before);
  return response.body as { detail: string; errors?: { field: string }[] };
};

describe('POST /v1/listings', () => {
  it('lists a person on the blacklist for two years and answers with the listing', async () => {
    const response = await post('/listings', blacklistLi);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'active', until: '2028-11-02T02:00:00.000Z' });
    expect(schemas.validate('api/listingResponses.json#/$defs/ListingCreated', response.body)).toBeUndefined();
    const [added] = await store.readStream(listingStream(response.body.listingId));
    expect(added?.data).toMatchObject({ subjectId: 'li', recordedBy: 'judge-sun', authority: 'court' });
  });

  it('lists an organisation with the responsible persons it binds', async () => {
    const response = await post('/listings', { ...blacklistLi, subjectId: 'acme', responsiblePersons: ['wang'] });
    expect(response.status).toBe(201);
  });

  it('lists a model worker on the red list, by a recorder of any authority', async () => {
    const response = await post(
      '/listings',
      { list: 'redlist', subjectId: 'li', ground: 'MODEL_WORKER', legalAct: evidenceOf('honourCertificate') },
      honoursClerk,
    );
    expect(response.status).toBe(201);
    expect(response.body.until).toBe('2029-11-26T10:00:00.000Z');
  });

  it('answers a retry with the same key with the first answer, writing nothing', async () => {
    const first = await post('/listings', blacklistLi, { ...judge, 'Idempotency-Key': 'listing-1' });
    const before = await store.headPosition();
    const retry = await post('/listings', blacklistLi, { ...judge, 'Idempotency-Key': 'listing-1' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await store.headPosition()).toBe(before);
  });

  it('answers 400 naming a restriction outside the closed list', async () => {
    const problem = await expectRefused(
      () => post('/listings', { ...blacklistLi, restrictions: ['NO_INTERNET'] }),
      400,
      'validation-failed',
    );
    expect(problem.errors?.[0]?.field).toBe('/restrictions/0');
  });

  it('answers 400 for an unknown field', async () => {
    await expectRefused(() => post('/listings', { ...blacklistLi, score: 500 }), 400, 'validation-failed');
  });

  it('refuses a ground outside the six SPC grounds', async () => {
    await expectRefused(
      () => post('/listings', { ...blacklistLi, ground: 'LOW_SCORE' }),
      422,
      'listing-ground-not-allowed',
    );
  });

  it('refuses a blacklist listing on anything but a court ruling', async () => {
    await expectRefused(
      () => post('/listings', { ...blacklistLi, legalAct: evidenceOf('adminPenaltyDecision') }),
      422,
      'legal-act-kind-not-allowed',
    );
  });

  it('refuses an organisation without its responsible persons', async () => {
    await expectRefused(
      () => post('/listings', { ...blacklistLi, subjectId: 'acme' }),
      422,
      'responsible-persons-required',
    );
  });

  it('refuses a listing dated in the future', async () => {
    await expectRefused(
      () => post('/listings', { ...blacklistLi, listedAt: '2026-11-26T10:00:01Z' }),
      422,
      'listed-in-future',
    );
  });

  it('answers 404 for a subject that is not registered', async () => {
    await expectRefused(() => post('/listings', { ...blacklistLi, subjectId: 'nobody' }), 404, 'subject-not-found');
  });

  it('answers 403 to a recorder who is not a court writing the blacklist', async () => {
    await expectRefused(() => post('/listings', blacklistLi, marketInspector), 403, 'outside-authority');
  });

  it('answers 403 to a recorder who acts for no authority', async () => {
    await expectRefused(() => post('/listings', blacklistLi, recorderWithoutAuthority), 403, 'forbidden');
  });

  it('answers 403 to a role that may not write listings', async () => {
    await expectRefused(() => post('/listings', blacklistLi, auditor), 403, 'forbidden');
  });

  it('answers 403 separation-of-duties to a judge listing themselves, writing nothing', async () => {
    const judgeLi = as({ id: 'judge-li', kind: 'person', roles: ['recorder'], authority: 'court', subjectId: 'li' });
    await expectRefused(() => post('/listings', blacklistLi, judgeLi), 403, 'separation-of-duties');
  });
});

describe('POST /v1/listings/{id}/extension', () => {
  const extension = { months: 12, legalAct: evidenceOf('courtJudgment', 'ENF-2026-0456') };

  it("moves the listing's end on a new court ruling", async () => {
    const { listingId } = await addListing();
    const response = await post(`/listings/${listingId}/extension`, extension);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ listingId, until: '2029-11-02T02:00:00.000Z' });
    expect(schemas.validate('api/listingResponses.json#/$defs/ListingExtended', response.body)).toBeUndefined();
  });

  it('refuses the ruling the listing already rests on', async () => {
    const { listingId } = await addListing();
    await expectRefused(
      () => post(`/listings/${listingId}/extension`, { ...extension, legalAct: blacklistLi.legalAct }),
      422,
      'legal-act-not-new',
    );
  });

  it("refuses months outside the scheme's range", async () => {
    const { listingId } = await addListing();
    await expectRefused(
      () => post(`/listings/${listingId}/extension`, { ...extension, months: 48 }),
      422,
      'extension-out-of-range',
    );
  });

  it('answers 404 for a listing that does not exist', async () => {
    await expectRefused(
      () => post('/listings/01890000-0000-7000-8000-000000000000/extension', extension),
      404,
      'listing-not-found',
    );
  });

  it('answers 404 for a path that is no listing id', async () => {
    await expectRefused(() => post('/listings/not-a-listing/extension', extension), 404, 'listing-not-found');
  });
});

describe('POST /v1/listings/{id}/removal-request', () => {
  const removalRequest = {
    reason: 'obligationPerformed',
    triggeredAt: '2026-11-20T12:00:00Z',
    evidence: [evidenceOf('courtJudgment', 'PAID-1')],
  };

  it('accepts the request and answers when the removal is due: 3 working days on, at 24:00 in Shanghai', async () => {
    const { listingId } = await addListing();
    const response = await post(`/listings/${listingId}/removal-request`, removalRequest);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ listingId, dueBy: '2026-11-25T16:00:00.000Z' });
    expect(schemas.validate('api/listingResponses.json#/$defs/RemovalRequested', response.body)).toBeUndefined();
  });

  it('answers 503 when the working-day calendar does not reach the deadline', async () => {
    const { listingId } = await addListing();
    clock.set(new Date('2026-12-30T10:00:00Z'));
    await expectRefused(
      () => post(`/listings/${listingId}/removal-request`, { ...removalRequest, triggeredAt: '2026-12-30T02:00:00Z' }),
      503,
      'calendar-not-covering',
    );
  });
});

describe('POST /v1/listings/{id}/removal', () => {
  const removal = { reason: 'obligationPerformed', triggeredAt: '2026-11-20T12:00:00Z' };

  it('removes the listing and records that it was in time', async () => {
    const { listingId } = await addListing();
    clock.set(new Date('2026-11-25T15:00:00Z'));
    const response = await post(`/listings/${listingId}/removal`, removal);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ listingId, removedAt: '2026-11-25T15:00:00.000Z', late: false });
    expect(schemas.validate('api/listingResponses.json#/$defs/ListingRemoved', response.body)).toBeUndefined();
  });

  it('removes the listing after its deadline and records that it was late', async () => {
    const { listingId } = await addListing();
    const response = await post(`/listings/${listingId}/removal`, removal);
    expect(response.body).toMatchObject({ late: true });
  });

  it('answers 400 to a trigger given with the end of the period, which is its own trigger', async () => {
    const { listingId } = await addListing();
    await expectRefused(
      () => post(`/listings/${listingId}/removal`, { ...removal, reason: 'periodEnded' }),
      400,
      'validation-failed',
    );
  });

  it('refuses to remove a listing twice', async () => {
    const { listingId } = await addListing();
    await post(`/listings/${listingId}/removal`, removal);
    await expectRefused(() => post(`/listings/${listingId}/removal`, removal), 422, 'listing-already-removed');
  });
});

describe('GET /v1/blacklist and /v1/redlist', () => {
  it('answers the active blacklist listings, once the read model has the write', async () => {
    const { listingId, position } = await addListing();
    const response = await request(app).get(`/v1/blacklist?minPosition=${position}`).set(auditor);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          listingId,
          subjectId: 'li',
          ground: 'ABLE_BUT_REFUSING',
          restrictions: ['NO_FLIGHT', 'NO_G_TRAIN'],
          listedAt: '2026-11-02T02:00:00.000Z',
          until: '2028-11-02T02:00:00.000Z',
          responsiblePersons: [],
        },
      ],
      next: null,
    });
    expect(schemas.validate('api/listingResponses.json#/$defs/ListingPage', response.body)).toBeUndefined();
  });

  it('answers only the listings with the restriction asked for', async () => {
    const { position } = await addListing();
    const response = await request(app)
      .get(`/v1/blacklist?restriction=NO_STAR_HOTEL&minPosition=${position}`)
      .set(auditor);
    expect(response.body.items).toEqual([]);
  });

  it('answers the red list without blacklist listings', async () => {
    const { position } = await addListing();
    const response = await request(app).get(`/v1/redlist?minPosition=${position}`).set(auditor);
    expect(response.body).toEqual({ items: [], next: null });
  });

  it('answers 403 to a resident, whose grant covers only their own record', async () => {
    await expectRefused(() => request(app).get('/v1/blacklist').set(resident), 403, 'forbidden');
  });

  it('answers 400 to a page of more than 200', async () => {
    await expectRefused(() => request(app).get('/v1/blacklist?limit=201').set(auditor), 400, 'validation-failed');
  });

  it('answers 400 to a restriction asked of the red list', async () => {
    await expectRefused(
      () => request(app).get('/v1/redlist?restriction=NO_FLIGHT').set(auditor),
      400,
      'validation-failed',
    );
  });
});

describe('GET /v1/subjects/{id}/listings', () => {
  const wang = as(residentOf('wang'));
  const listingsOf = (subjectId: string, minPosition: string, headers: Record<string, string>) =>
    request(app).get(`/v1/subjects/${subjectId}/listings?minPosition=${minPosition}`).set(headers);

  it("answers a resident their own listings, with the lists' own fields", async () => {
    const { listingId, position } = await addListing();
    const response = await listingsOf('li', position, resident);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      subjectId: 'li',
      items: [
        {
          listingId,
          list: 'blacklist',
          subjectId: 'li',
          boundAs: 'listed',
          ground: 'ABLE_BUT_REFUSING',
          restrictions: ['NO_FLIGHT', 'NO_G_TRAIN'],
          listedAt: '2026-11-02T02:00:00.000Z',
          until: '2028-11-02T02:00:00.000Z',
          responsiblePersons: [],
          active: true,
        },
      ],
    });
    expect(schemas.validate('api/listingResponses.json#/$defs/SubjectListings', response.body)).toBeUndefined();
  });

  it('answers a removed listing too, no longer active', async () => {
    const { listingId } = await addListing();
    clock.set(new Date('2026-11-25T15:00:00Z'));
    const removed = await post(`/listings/${listingId}/removal`, {
      reason: 'obligationPerformed',
      triggeredAt: '2026-11-20T12:00:00Z',
    });
    const response = await listingsOf('li', removed.body.position, resident);
    expect(response.body.items[0]).toMatchObject({
      active: false,
      removedAt: '2026-11-25T15:00:00.000Z',
      removedReason: 'obligationPerformed',
    });
  });

  it("answers a company's responsible person the listing that binds them, recorded as a read of the company", async () => {
    const { position } = await addListing({ ...blacklistLi, subjectId: 'acme', responsiblePersons: ['wang'] });
    const response = await listingsOf('wang', position, wang);
    expect(response.body.items).toMatchObject([{ subjectId: 'acme', boundAs: 'responsiblePerson' }]);
    await recorder.flush();
    const records = (await store.readStream(accessLogStream)).flatMap(
      (event) => (event.data as RecordsAccessed).records,
    );
    expect(records.map((record) => [record.subjectId, record.viewerId, record.what])).toEqual([
      ['acme', 'resident-wang', 'listings'],
    ]);
  });

  it("answers 404 to a resident asking for another's listings", async () => {
    const { position } = await addListing();
    await expectRefused(() => listingsOf('li', position, wang), 404, 'subject-not-found');
  });

  it('answers 404 to a path that is no subject id, recording no read, so that no access record is lost', async () => {
    const { position } = await addListing();
    expect((await listingsOf('li', position, auditor)).status).toBe(200);
    await expectRefused(() => listingsOf('%00', position, auditor), 404, 'subject-not-found');
    // A record of subject "\u0000" broke its event's schema, and the batch with the read of li was refused with it.
    await recorder.flush();
    const records = (await store.readStream(accessLogStream)).flatMap(
      (event) => (event.data as RecordsAccessed).records,
    );
    expect(records.map((record) => [record.subjectId, record.viewerId])).toEqual([['li', auditorPrincipal.id]]);
  });
});

describe('GET /v1/listings/removals-overdue', () => {
  it('answers the removals past due, oldest first', async () => {
    const { listingId } = await addListing();
    const requested = await post(`/listings/${listingId}/removal-request`, {
      reason: 'obligationPerformed',
      triggeredAt: '2026-11-20T12:00:00Z',
      evidence: [evidenceOf('courtJudgment', 'PAID-1')],
    });
    const response = await request(app)
      .get(`/v1/listings/removals-overdue?minPosition=${requested.body.position}`)
      .set(auditor);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [{ listingId, subjectId: 'li', reason: 'obligationPerformed', dueBy: '2026-11-25T16:00:00.000Z' }],
      total: 1,
      asOf: '2026-11-26T10:00:00.000Z',
    });
    expect(schemas.validate('api/listingResponses.json#/$defs/OverdueRemovals', response.body)).toBeUndefined();
  });
});
