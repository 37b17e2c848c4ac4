import type { Express } from 'express';
import request from 'supertest';
import { createAccessRecorder, type AccessRecorder } from '../../src/api/accessRecorder';
import { authorize } from '../../src/api/auth/authenticate';
import type { Principal } from '../../src/api/auth/principal';
import { accessLogRoutes } from '../../src/api/routes/accessLog';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { createAccessLogProjection, type AccessLogReadModel } from '../../src/projections/accessLogProjection';
import { createProjectionRunner, type ProjectionRunner } from '../../src/projections/runner';
import { schemaRegistry } from '../../src/schemaRegistry';
import {
  approver,
  as,
  auditor,
  authenticateFromTestHeader,
  consumer,
  recorder as recordingOfficial,
  residentOf,
  testApp,
} from '../support/testPrincipals';

const schemas = schemaRegistry();
const now = new Date('2026-11-26T10:00:00.000Z');
const clock = () => now;

let app: Express;
let accessLog: AccessLogReadModel;
let recorder: AccessRecorder;
let runner: ProjectionRunner;

/** Writes the records waiting in the recorder and waits until the access log shows them. */
const settle = async (): Promise<void> => {
  await recorder.flush();
  await runner.catchUp(2_000);
};

/** The purpose each viewer of these tests reads for, by their role. */
const purposes: Record<string, string> = {
  [approver.id]: 'approval',
  [consumer.id]: 'eligibility',
  [auditor.id]: 'audit',
};

const readOf = (subjectId: string, viewer: Principal, what: string) => ({
  subjectId,
  viewerId: viewer.id,
  viewerRoles: viewer.roles,
  purpose: purposes[viewer.id],
  what,
  at: now.toISOString(),
});

beforeEach(async () => {
  const db = openLedgerDatabase(':memory:');
  const store = withEventValidation(createSqliteEventStore({ db, clock }), schemas);
  const projection = createAccessLogProjection(db);
  accessLog = projection;
  const fail = (error: unknown) => {
    throw error;
  };
  runner = createProjectionRunner({ store, db, projections: [projection], onFailure: fail });
  recorder = createAccessRecorder({ store, clock, batchSizeMax: 50, flushIntervalMs: 60_000, onFailure: fail });
  app = testApp((app) => {
    app.use(authenticateFromTestHeader);
    app.use('/v1', accessLogRoutes({ accessLog, recorder, authorize, schemas, runner }));
  });
  recorder.record({ subjectId: 'wang', viewer: approver, purpose: 'approval', what: 'history' });
  recorder.record({ subjectId: 'li', viewer: approver, purpose: 'approval', what: 'score' });
  recorder.record({ subjectId: 'wang', viewer: consumer, purpose: 'eligibility', what: 'eligibility' });
  runner.start();
  await settle();
});
afterEach(() => runner.stop());

const get = (path: string, principal?: Principal) => {
  const call = request(app).get(path);
  return principal ? call.set(as(principal)) : call;
};

describe('GET /v1/subjects/{id}/access-log', () => {
  it('shows a resident who read their record', async () => {
    const response = await get('/v1/subjects/wang/access-log', residentOf('wang'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      subjectId: 'wang',
      items: [readOf('wang', approver, 'history'), readOf('wang', consumer, 'eligibility')],
      next: null,
    });
    expect(schemas.validate('api/accessLogResponses.json#/$defs/SubjectAccessLog', response.body)).toBeUndefined();
  });

  it('does not record a resident looking at their own access log', async () => {
    await get('/v1/subjects/wang/access-log', residentOf('wang'));
    await settle();
    expect(accessLog.forSubject('wang', { limit: 10 }).items).toHaveLength(2);
  });

  it('answers a resident asking for someone else’s access log as if it did not exist', async () => {
    const response = await get('/v1/subjects/li/access-log', residentOf('wang'));
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('/problems/subject-not-found');
  });

  it('shows an auditor anyone’s access log, and records that look in it', async () => {
    const response = await get('/v1/subjects/li/access-log', auditor);
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([readOf('li', approver, 'score')]);
    await settle();
    expect(accessLog.forSubject('li', { limit: 10 }).items.at(-1)).toEqual(readOf('li', auditor, 'accessLog'));
  });

  it('pages with the cursor it answers', async () => {
    const first = await get('/v1/subjects/wang/access-log?limit=1', residentOf('wang'));
    const second = await get(`/v1/subjects/wang/access-log?limit=1&after=${first.body.next}`, residentOf('wang'));
    expect([...first.body.items, ...second.body.items]).toEqual([
      readOf('wang', approver, 'history'),
      readOf('wang', consumer, 'eligibility'),
    ]);
    expect(second.body.next).toBeNull();
  });

  it('answers a malformed subject id with 404 and records nothing', async () => {
    const response = await get('/v1/subjects/not%20an%20id/access-log', auditor);
    expect(response.status).toBe(404);
    await settle();
    expect(accessLog.byViewer(auditor.id, { limit: 10 }).items).toEqual([]);
  });

  it.each([
    ['a page over 200 records', 'limit=201'],
    ['an unknown parameter', 'viewer=approver-liu'],
    ['a malformed cursor', 'after=12'],
  ])('refuses %s with 400', async (_case, query) => {
    const response = await get(`/v1/subjects/wang/access-log?${query}`, auditor);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/validation-failed');
  });

  it.each([
    ['a consumer', consumer],
    ['a recorder', recordingOfficial],
  ])('refuses %s with 403', async (_role, principal) => {
    expect((await get('/v1/subjects/wang/access-log', principal)).status).toBe(403);
  });

  it('asks for authentication with 401', async () => {
    expect((await get('/v1/subjects/wang/access-log')).status).toBe(401);
  });
});

describe('GET /v1/access-log', () => {
  it('shows an auditor what one viewer read, and records a read of each subject shown', async () => {
    const response = await get('/v1/access-log?viewer=approver-liu', auditor);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      viewerId: 'approver-liu',
      items: [readOf('wang', approver, 'history'), readOf('li', approver, 'score')],
      next: null,
    });
    expect(schemas.validate('api/accessLogResponses.json#/$defs/ViewerAccessLog', response.body)).toBeUndefined();
    await settle();
    expect(accessLog.byViewer(auditor.id, { limit: 10 }).items).toEqual([
      readOf('wang', auditor, 'accessLog'),
      readOf('li', auditor, 'accessLog'),
    ]);
  });

  it('narrows a viewer’s reads to one subject', async () => {
    const response = await get('/v1/access-log?viewer=approver-liu&subject=li', auditor);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      viewerId: 'approver-liu',
      subjectId: 'li',
      items: [readOf('li', approver, 'score')],
      next: null,
    });
  });

  it('requires the viewer', async () => {
    const response = await get('/v1/access-log', auditor);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/validation-failed');
  });

  it.each([
    ['a resident', residentOf('wang')],
    ['a consumer', consumer],
    ['a recorder', recordingOfficial],
  ])('refuses %s with 403', async (_role, principal) => {
    expect((await get('/v1/access-log?viewer=approver-liu', principal)).status).toBe(403);
  });

  it('asks for authentication with 401', async () => {
    expect((await get('/v1/access-log?viewer=approver-liu')).status).toBe(401);
  });
});
