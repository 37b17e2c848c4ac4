import type { Express } from 'express';
import request from 'supertest';
import { createAccessRecorder, type AccessRecorder } from '../../src/api/accessRecorder';
import { authorize } from '../../src/api/auth/authenticate';
import type { Principal } from '../../src/api/auth/principal';
import { createIdempotentRoute } from '../../src/api/idempotency';
import { createIdempotencyRecords } from '../../src/api/idempotencyRecords';
import { objectionRoutes } from '../../src/api/routes/objections';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import type { EventStore } from '../../src/events/eventStore';
import { accessLogStream, isLedgerEvent, subjectStream, type RecordsAccessed } from '../../src/events/ledgerEvents';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';
import { createLedger } from '../../src/ledger/ledger';
import { createObjections } from '../../src/ledger/objections';
import { publishScheme } from '../../src/ledger/schemePublication';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { createObjectionsProjection } from '../../src/projections/objectionsProjection';
import { createProjectionRunner, type ProjectionRunner } from '../../src/projections/runner';
import { schemaRegistry } from '../../src/schemaRegistry';
import { evidenceOf, fixedClock, type TestClock } from '../support/ledgerService';
import { as, auditor, authenticateFromTestHeader, residentOf, testApp } from '../support/testPrincipals';

/**
 * The objection routes on a test app built from the real parts (store, ledger, projection, idempotency,
 * access recorder, authorization), with the principal in a test header. The whole service mounts the same router.
 */

const schemas = schemaRegistry();
const calendar = loadCalendar(defaultCalendarPath());

const person = (id: string, roles: Principal['roles'], extra: Partial<Principal> = {}) =>
  as({ id, kind: 'person', roles, ...extra });
const li = as(residentOf('li'));
const wang = as(residentOf('wang'));
const judge = person('judge-sun', ['recorder'], { authority: 'court' });
const otherRecorder = person('clerk-wu', ['recorder'], { authority: 'court' });
const officer = person('appeal-officer-wu', ['appealOfficer']);
const approverAsOfficer = person('approver-liu', ['appealOfficer']);
const senior = person('senior-officer-gao', ['seniorAppealOfficer']);
const auditorHeaders = as(auditor);

let clock: TestClock;
let store: EventStore;
let runner: ProjectionRunner;
let recorder: AccessRecorder;
let app: Express;
let entryId: string;

beforeEach(async () => {
  clock = fixedClock(new Date('2026-11-26T02:00:00Z'));
  const db = openLedgerDatabase(':memory:');
  store = withEventValidation(createSqliteEventStore({ db, clock }), schemas);
  const schemes = await publishScheme(store, loadScheme(defaultSchemePath()), clock(), 'system');
  const ledger = createLedger({ store, schemes, clock });
  for (const subjectId of ['li', 'wang']) {
    await ledger.registerSubject(
      { subjectId, kind: 'person', birthDate: '1980-01-01' },
      { idempotencyKey: subjectId, actorId: 'clerk' },
    );
  }
  ({ entryId } = await ledger.recordEntry(
    {
      subjectId: 'li',
      ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
      points: -40,
      narrative: 'Failed to perform a settlement.',
      occurredAt: '2026-10-01T08:00:00Z',
      evidence: [evidenceOf('courtJudgment', 'J-1')],
    },
    { idempotencyKey: 'record', actorId: 'judge-sun', authority: 'court' },
  ));
  await ledger.decideApproval(
    { subjectId: 'li', entryId, decision: 'approve' },
    { idempotencyKey: 'approve', actorId: 'approver-liu' },
  );
  const objectionsView = createObjectionsProjection(db);
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
    projections: [objectionsView],
    onFailure: (error) => {
      throw error;
    },
  });
  runner.start();
  app = testApp((routes) => {
    routes.use(authenticateFromTestHeader);
    routes.use(
      '/v1',
      objectionRoutes({
        objections: createObjections({ store, ledger, schemes, calendar, clock }),
        objectionsView,
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

const post = (path: string, body: object, headers: Record<string, string>) =>
  request(app).post(`/v1${path}`).set(headers).send(body);
const get = (path: string, headers: Record<string, string>) => request(app).get(`/v1${path}`).set(headers);

const objection = { subjectId: 'li', grounds: 'The judgment names another Li.' };

/** Files li's objection to the entry; returns the answer's body. */
const file = async (headers: Record<string, string> = li) => {
  const response = await post('/objections', { ...objection, entryId }, headers);
  if (response.status !== 201) throw new Error(`filing failed: ${JSON.stringify(response.body)}`);
  return response.body as { objectionId: string; decisionDueBy: string; position: string };
};

/** Expects the call to be refused with `status` and problem `code`, and the log to end where it ended before. */
const expectRefused = async (call: () => request.Test, status: number, code: string) => {
  const before = await store.headPosition();
  const response = await call();
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `/problems/${code}`, status });
  expect(await store.headPosition()).toBe(before);
};

const reasons = 'The court confirmed the judgment is about this subject.';

describe('POST /v1/objections', () => {
  it("files the subject's objection and answers with its deadlines", async () => {
    const response = await post('/objections', { ...objection, entryId }, li);
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/v1/objections/${response.body.objectionId}`);
    expect(response.body).toMatchObject({
      evidenceDueBy: '2026-12-03T16:00:00.000Z',
      decisionDueBy: '2026-12-26T16:00:00.000Z',
    });
    expect(schemas.validate('api/objectionResponses.json#/$defs/ObjectionFiled', response.body)).toBeUndefined();
  });

  it('answers a retry with the same key with the first answer, writing nothing', async () => {
    const first = await post('/objections', { ...objection, entryId }, { ...li, 'Idempotency-Key': 'o-1' });
    const before = await store.headPosition();
    const retry = await post('/objections', { ...objection, entryId }, { ...li, 'Idempotency-Key': 'o-1' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await store.headPosition()).toBe(before);
  });

  it("answers 404 to a resident objecting to someone else's entry", async () => {
    await expectRefused(() => post('/objections', { ...objection, entryId }, wang), 404, 'subject-not-found');
  });

  it('refuses officers: only the subject files', async () => {
    await expectRefused(() => post('/objections', { ...objection, entryId }, officer), 403, 'forbidden');
  });

  it('answers 400 to grounds over 2000 characters', async () => {
    await expectRefused(
      () => post('/objections', { ...objection, entryId, grounds: 'x'.repeat(2001) }, li),
      400,
      'validation-failed',
    );
  });

  it('answers 400 to a body that names no subject, not as if it named one the resident may not see', async () => {
    const { subjectId: _subject, ...unnamed } = objection;
    await expectRefused(() => post('/objections', { ...unnamed, entryId }, li), 400, 'validation-failed');
  });

  it('refuses a second objection while the first is open', async () => {
    await file();
    await expectRefused(() => post('/objections', { ...objection, entryId }, li), 422, 'objection-already-open');
  });
});

describe('evidence', () => {
  it("takes the recorder's answer and the subject's new information", async () => {
    const { objectionId } = await file();
    const fromJudge = await post(
      `/objections/${objectionId}/evidence`,
      { evidence: [evidenceOf('courtJudgment', 'J-1-CERT')] },
      judge,
    );
    const fromLi = await post(`/objections/${objectionId}/evidence`, { evidence: [evidenceOf('photo', 'P-1')] }, li);
    expect([fromJudge.status, fromJudge.body.from, fromLi.status, fromLi.body.from]).toEqual([
      200,
      'recorder',
      200,
      'subject',
    ]);
    expect(schemas.validate('api/objectionResponses.json#/$defs/EvidenceAdded', fromJudge.body)).toBeUndefined();
  });

  it('refuses a recorder other than the one who recorded the entry', async () => {
    const { objectionId } = await file();
    await expectRefused(
      () =>
        post(`/objections/${objectionId}/evidence`, { evidence: [evidenceOf('courtJudgment', 'X')] }, otherRecorder),
      403,
      'not-a-party',
    );
  });

  it('answers 404 to another resident, as if the objection did not exist', async () => {
    const { objectionId } = await file();
    await expectRefused(
      () => post(`/objections/${objectionId}/evidence`, { evidence: [evidenceOf('photo', 'P-1')] }, wang),
      404,
      'objection-not-found',
    );
  });
});

describe('POST /v1/objections/{id}/extension', () => {
  it('is granted once after the subject added evidence, and refused the second time', async () => {
    const { objectionId } = await file();
    await post(`/objections/${objectionId}/evidence`, { evidence: [evidenceOf('witnessStatement', 'W-1')] }, li);
    const granted = await post(`/objections/${objectionId}/extension`, {}, officer);
    expect(granted.status).toBe(200);
    expect(granted.body.decisionDueBy).toBe('2027-01-10T16:00:00.000Z');
    await expectRefused(
      () => post(`/objections/${objectionId}/extension`, {}, officer),
      422,
      'extension-already-granted',
    );
  });
});

describe('POST /v1/objections/{id}/decision', () => {
  it('decides with reasons and upholds the entry on the subject’s record', async () => {
    const { objectionId } = await file();
    const response = await post(`/objections/${objectionId}/decision`, { outcome: 'upheld', reasons }, officer);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      objectionId,
      outcome: 'upheld',
      reconsiderationDueBy: '2026-12-10T16:00:00.000Z',
    });
    expect(schemas.validate('api/objectionResponses.json#/$defs/ObjectionDecided', response.body)).toBeUndefined();
    const types = (await store.readStream(subjectStream('li'))).filter(isLedgerEvent).map((event) => event.type);
    expect(types).toContain('EntryUpheld');
  });

  it("refuses the entry's approver acting as appeal officer", async () => {
    const { objectionId } = await file();
    await expectRefused(
      () => post(`/objections/${objectionId}/decision`, { outcome: 'reversed', reasons }, approverAsOfficer),
      403,
      'separation-of-duties',
    );
  });

  it('refuses an appeal officer deciding an objection to their own record', async () => {
    const { objectionId } = await file();
    const officerLi = person('appeal-officer-li', ['appealOfficer', 'resident'], { subjectId: 'li' });
    await expectRefused(
      () => post(`/objections/${objectionId}/decision`, { outcome: 'reversed', reasons }, officerLi),
      403,
      'separation-of-duties',
    );
  });

  it('answers 400 to blank reasons', async () => {
    const { objectionId } = await file();
    await expectRefused(
      () => post(`/objections/${objectionId}/decision`, { outcome: 'reversed', reasons: '   ' }, officer),
      400,
      'validation-failed',
    );
  });

  it('is refused once its deadline has passed', async () => {
    const { objectionId } = await file();
    clock.set(new Date('2026-12-26T16:00:00Z'));
    await expectRefused(
      () => post(`/objections/${objectionId}/decision`, { outcome: 'upheld', reasons }, officer),
      422,
      'decision-deadline-passed',
    );
  });

  it('is for appeal officers only', async () => {
    const { objectionId } = await file();
    await expectRefused(
      () => post(`/objections/${objectionId}/decision`, { outcome: 'reversed', reasons }, senior),
      403,
      'forbidden',
    );
  });
});

describe('reconsideration', () => {
  const decided = async () => {
    const { objectionId } = await file();
    await post(`/objections/${objectionId}/decision`, { outcome: 'upheld', reasons }, officer);
    return objectionId;
  };

  it('is asked by the subject and decided by a senior officer, reversing the entry', async () => {
    const objectionId = await decided();
    const asked = await post(`/objections/${objectionId}/reconsideration`, { grounds: 'Look again.' }, li);
    expect(asked.status).toBe(202);
    expect(schemas.validate('api/objectionResponses.json#/$defs/ReconsiderationRequested', asked.body)).toBeUndefined();
    const response = await post(
      `/objections/${objectionId}/reconsideration/decision`,
      { outcome: 'reversed', reasons: 'Another Li was sued.' },
      senior,
    );
    expect(response.status).toBe(200);
    expect(
      schemas.validate('api/objectionResponses.json#/$defs/ReconsiderationDecided', response.body),
    ).toBeUndefined();
    const reversed = (await store.readStream(subjectStream('li')))
      .filter(isLedgerEvent)
      .find((event) => event.type === 'EntryReversed');
    expect(reversed?.data).toMatchObject({ entryId, reason: 'reconsidered', decidedBy: 'senior-officer-gao' });
  });

  it('refuses a senior officer who made the first decision', async () => {
    const objectionId = await decided();
    await post(`/objections/${objectionId}/reconsideration`, { grounds: 'Look again.' }, li);
    const both = person('appeal-officer-wu', ['appealOfficer', 'seniorAppealOfficer']);
    await expectRefused(
      () =>
        post(`/objections/${objectionId}/reconsideration/decision`, { outcome: 'confirmed', reasons: 'Same.' }, both),
      403,
      'separation-of-duties',
    );
  });

  it('refuses a senior officer reconsidering an objection to their own record', async () => {
    const objectionId = await decided();
    await post(`/objections/${objectionId}/reconsideration`, { grounds: 'Look again.' }, li);
    const seniorLi = person('senior-officer-li', ['seniorAppealOfficer', 'resident'], { subjectId: 'li' });
    await expectRefused(
      () => post(`/objections/${objectionId}/reconsideration/decision`, { outcome: 'reversed', reasons }, seniorLi),
      403,
      'separation-of-duties',
    );
  });

  it('is decided by senior officers only', async () => {
    const objectionId = await decided();
    await post(`/objections/${objectionId}/reconsideration`, { grounds: 'Look again.' }, li);
    await expectRefused(
      () => post(`/objections/${objectionId}/reconsideration/decision`, { outcome: 'reversed', reasons }, officer),
      403,
      'forbidden',
    );
  });
});

describe('GET /v1/objections/{id}', () => {
  it('shows the subject their own objection', async () => {
    const { objectionId, position } = await file();
    const own = await get(`/objections/${objectionId}?minPosition=${position}`, li);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ objectionId, subjectId: 'li', entryId });
    expect(schemas.validate('api/objectionResponses.json#/$defs/Objection', own.body)).toBeUndefined();
  });

  it("does not record the subject's read of their own objection", async () => {
    const { objectionId, position } = await file();
    expect((await get(`/objections/${objectionId}?minPosition=${position}`, li)).status).toBe(200);
    await recorder.close();
    expect(await store.readStream(accessLogStream)).toEqual([]);
  });

  it('answers 404 to a resident whose objection it is not', async () => {
    const { objectionId, position } = await file();
    const other = await get(`/objections/${objectionId}?minPosition=${position}`, wang);
    expect(other.status).toBe(404);
    expect(other.body.type).toBe('/problems/objection-not-found');
  });

  it("records an officer's read as a read of the subject's record", async () => {
    const { objectionId, position } = await file();
    expect((await get(`/objections/${objectionId}?minPosition=${position}`, officer)).status).toBe(200);
    await recorder.close();
    const records = (await store.readStream(accessLogStream)).flatMap(
      (event) => (event.data as RecordsAccessed).records,
    );
    expect(records).toEqual([
      expect.objectContaining({
        subjectId: 'li',
        viewerId: 'appeal-officer-wu',
        purpose: 'objectionReview',
        what: 'objection',
      }),
    ]);
  });
});

describe('GET /v1/objections', () => {
  it('gives officers the queue with its deadline clocks', async () => {
    const { position } = await file();
    clock.set(new Date('2026-12-04T02:00:00Z'));
    const response = await get(`/objections?status=pending&minPosition=${position}`, officer);
    expect(response.status).toBe(200);
    expect(schemas.validate('api/objectionResponses.json#/$defs/ObjectionQueue', response.body)).toBeUndefined();
    expect(response.body.items).toEqual([
      expect.objectContaining({ subjectId: 'li', entryId, evidenceOverdue: true, decisionOverdue: false }),
    ]);
  });

  it('is open to auditors, and not to residents', async () => {
    await file();
    expect((await get('/objections', auditorHeaders)).status).toBe(200);
    expect((await get('/objections', li)).status).toBe(403);
  });

  it('answers 400 to an unknown status', async () => {
    expect((await get('/objections?status=lost', officer)).status).toBe(400);
  });
});
