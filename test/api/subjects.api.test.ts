import request from 'supertest';
import type { LedgerService } from '../../src/service';
import { schemaRegistry } from '../../src/schemaRegistry';
import { openTestService, signIn, type Headers, ledgerHead } from '../support/ledgerService';

const schemas = schemaRegistry();
let service: LedgerService;
let as: Awaited<ReturnType<typeof signIn>>;

beforeEach(async () => {
  service = await openTestService();
  as = await signIn(service);
});
afterEach(() => service.close());

const register = (body: unknown, headers: Headers | null = as.clerk) => {
  const call = request(service.app).post('/v1/subjects');
  return (headers ? call.set(headers) : call).send(body as object);
};

/** Asserts the request wrote nothing: the log ends where it ended before. */
const expectNothingWritten = async (before: string | null) => expect(ledgerHead(service)).toBe(before);

describe('POST /v1/subjects', () => {
  it('registers a person of 18 or more and answers with the id and position', async () => {
    const response = await register({ kind: 'person', id: 'p-1', birthDate: '1990-05-01', displayName: 'Sun Li' });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe('/v1/subjects/p-1');
    expect(response.body).toMatchObject({ id: 'p-1', kind: 'person', displayName: 'Sun Li', birthDate: '1990-05-01' });
    expect(schemas.validate('api/responses.json#/$defs/SubjectCreated', response.body)).toBeUndefined();
  });

  it('generates an id when none is given', async () => {
    const response = await register({ kind: 'organization' });
    expect(response.status).toBe(201);
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps names out of events', async () => {
    await register({ kind: 'person', id: 'p-2', birthDate: '1990-05-01', displayName: 'Sun Li' });
    const stored = JSON.stringify(
      (await service.store.readStream('subject-p-2')).map(({ data, metadata }) => ({ data, metadata })),
    );
    expect(stored).not.toContain('Sun Li');
    expect(stored).not.toContain('1990-05-01');
  });

  it('refuses a person under 18, and writes nothing', async () => {
    const before = ledgerHead(service);
    const response = await register({ kind: 'person', id: 'p-young', birthDate: '2009-01-01' });
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/subject-under-age', status: 422 });
    await expectNothingWritten(before);
  });

  it('registers a person on their 18th birthday', async () => {
    expect((await register({ kind: 'person', id: 'p-18', birthDate: '2008-11-26' })).status).toBe(201);
  });

  it('refuses a person without a birth date, naming the field', async () => {
    const response = await register({ kind: 'person', id: 'p-3' });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/validation-failed');
    expect(response.body.detail).toContain('birthDate');
  });

  it('refuses a birth date for an organisation', async () => {
    const response = await register({ kind: 'organization', birthDate: '2000-01-01' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('/birthDate');
  });

  it('refuses an unknown field, naming it', async () => {
    const response = await register({ kind: 'organization', score: 2000 });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ in: 'body', field: '/score', message: 'is not a known field' }]);
  });

  it('refuses a malformed id', async () => {
    const response = await register({ kind: 'organization', id: 'has space' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('/id');
  });

  it('refuses a second registration of the same id with 409, and writes nothing', async () => {
    await register({ kind: 'organization', id: 'org-1' });
    const before = ledgerHead(service);
    const response = await register({ kind: 'organization', id: 'org-1', displayName: 'Other Co.' });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('/problems/subject-already-registered');
    await expectNothingWritten(before);
  });

  it('does not overwrite the directory of an existing subject on a refused registration', async () => {
    const first = await register({ kind: 'organization', id: 'org-2', displayName: 'First Co.' });
    await register({ kind: 'organization', id: 'org-2', displayName: 'Impostor Co.' });
    const read = await request(service.app)
      .get(`/v1/subjects/org-2?minPosition=${first.body.position}`)
      .set(as.auditor);
    expect(read.body.displayName).toBe('First Co.');
  });

  it('answers 401 without credentials', async () => {
    const before = ledgerHead(service);
    const response = await register({ kind: 'organization' }, null);
    expect(response.status).toBe(401);
    expect(response.body.type).toBe('/problems/unauthenticated');
    await expectNothingWritten(before);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await request(service.app)
      .post('/v1/subjects')
      .set(as.clerk)
      .set('Content-Type', 'text/plain')
      .send('kind=person');
    expect(response.status).toBe(415);
    expect(response.body.type).toBe('/problems/unsupported-media-type');
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await request(service.app)
      .post('/v1/subjects')
      .set(as.clerk)
      .set('Content-Type', 'application/json')
      .send('{"kind": ');
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/malformed-json');
  });

  it('answers 400 for a compressed body that does not decompress, and writes nothing', async () => {
    const before = ledgerHead(service);
    const response = await request(service.app)
      .post('/v1/subjects')
      .set(as.clerk)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('this is not gzip');
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/unreadable-body');
    await expectNothingWritten(before);
  });

  it('answers 413 for a body over the limit, and writes nothing', async () => {
    const before = ledgerHead(service);
    const response = await register({ kind: 'organization', displayName: 'x'.repeat(20_000) });
    expect(response.status).toBe(413);
    expect(response.body.type).toBe('/problems/body-too-large');
    await expectNothingWritten(before);
  });
});

describe('GET /v1/subjects/{id}', () => {
  it('answers the subject with its directory record', async () => {
    const created = await register({ kind: 'person', id: 'p-9', birthDate: '1990-05-01', displayName: 'Sun Li' });
    const response = await request(service.app)
      .get(`/v1/subjects/p-9?minPosition=${created.body.position}`)
      .set(as.auditor);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: 'p-9',
      kind: 'person',
      displayName: 'Sun Li',
      birthDate: '1990-05-01',
      adultFrom: '2008-05-01',
      registeredAt: '2026-11-26T10:00:00.000Z',
    });
    expect(schemas.validate('api/responses.json#/$defs/Subject', response.body)).toBeUndefined();
  });

  it('answers 404 problem details for an unknown subject', async () => {
    const response = await request(service.app).get('/v1/subjects/nobody').set(as.auditor);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      type: '/problems/subject-not-found',
      status: 404,
      instance: '/v1/subjects/nobody',
    });
  });

  it('refuses an unknown query parameter', async () => {
    const response = await request(service.app).get('/v1/subjects/p-1?fields=all').set(as.auditor);
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('fields');
  });
});
