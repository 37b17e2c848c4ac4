import request from 'supertest';
import type { LedgerService } from '../../src/service';
import { schemaRegistry } from '../../src/schemaRegistry';
import { approve, evidenceOf, openTestService, recordEntry, registerPerson, signIn } from '../support/ledgerService';

const schemas = schemaRegistry();
let service: LedgerService;
let as: Awaited<ReturnType<typeof signIn>>;

beforeEach(async () => {
  service = await openTestService();
  as = await signIn(service);
});
afterEach(() => service.close());

const record = async (subjectId: string, body: Record<string, unknown>): Promise<string> => {
  const response = await recordEntry(service, subjectId, body);
  if (response.status !== 201) throw new Error(JSON.stringify(response.body));
  return response.body.position as string;
};

const heroicAct = (occurredAt: string) => ({
  ruleCode: 'HRO-HEROIC-ACT',
  occurredAt,
  evidence: [evidenceOf('honourCertificate', occurredAt)],
});

describe('GET /v1/subjects/{id}/score', () => {
  it('starts a new subject at the baseline, grade A, with an empty explanation', async () => {
    const { position } = await registerPerson(service, 'wang');
    const response = await request(service.app).get(`/v1/subjects/wang/score?minPosition=${position}`).set(as.auditor);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      subjectId: 'wang',
      score: 1000,
      grade: 'A',
      schemeVersion: 'rongcheng-2021.1',
      asOf: '2026-11-26T10:00:00.000Z',
      explanation: {
        entries: [],
        bindingConstraint: 'points',
        pointsToNextBandUp: 30,
        pointsToNextBandDown: 41,
        nextChange: null,
      },
    });
    expect(schemas.validate('api/responses.json#/$defs/Score', response.body)).toBeUndefined();
  });

  it('adds the entries in effect and explains them', async () => {
    await registerPerson(service, 'wang');
    await record('wang', heroicAct('2026-01-05T10:00:00Z'));
    const position = await record('wang', {
      ruleCode: 'TRF-TICKET',
      occurredAt: '2026-03-01T08:00:00Z',
      evidence: [evidenceOf('trafficTicket')],
    });
    const { body } = await request(service.app).get(`/v1/subjects/wang/score?minPosition=${position}`).set(as.auditor);
    expect(body.score).toBe(1025);
    expect(body.grade).toBe('A');
    expect(body.explanation.entries.map((entry: { ruleCode: string }) => entry.ruleCode)).toEqual([
      'HRO-HEROIC-ACT',
      'TRF-TICKET',
    ]);
    expect(body.explanation.pointsToNextBandUp).toBe(5);
  });

  it('leaves out an entry whose effect period has ended', async () => {
    await registerPerson(service, 'wang');
    const position = await record('wang', {
      ruleCode: 'TRF-TICKET',
      occurredAt: '2025-11-26T09:00:00Z',
      evidence: [evidenceOf('trafficTicket')],
    });
    const { body } = await request(service.app).get(`/v1/subjects/wang/score?minPosition=${position}`).set(as.auditor);
    expect(body.score).toBe(1000);
    expect(body.explanation.entries).toEqual([]);
  });

  it('caps the grade at C after drunk driving, and names the cap as the binding constraint', async () => {
    await registerPerson(service, 'zhao');
    await record('zhao', heroicAct('2026-01-05T10:00:00Z'));
    await record('zhao', {
      ruleCode: 'CHR-DONATION',
      occurredAt: '2026-02-05T10:00:00Z',
      evidence: [evidenceOf('donationReceipt')],
    });
    const entry = await recordEntry(service, 'zhao', {
      ruleCode: 'TRF-DUI',
      occurredAt: '2026-03-01T22:00:00Z',
      evidence: [evidenceOf('courtJudgment')],
    });
    expect(entry.status).toBe(202);
    const approved = await approve(service, entry.body.entryId);
    const { body } = await request(service.app)
      .get(`/v1/subjects/zhao/score?minPosition=${approved.position}`)
      .set(as.auditor);
    expect(body.score).toBe(1060);
    expect(body.grade).toBe('C');
    expect(body.explanation.bindingConstraint).toBe(`cap:${entry.body.entryId}`);
  });

  it('answers 404 for an unknown subject', async () => {
    const response = await request(service.app).get('/v1/subjects/nobody/score').set(as.auditor);
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('/problems/subject-not-found');
  });

  it('answers 503 with Retry-After when the read model cannot reach minPosition in time', async () => {
    await registerPerson(service, 'wang');
    const response = await request(service.app)
      .get(`/v1/subjects/wang/score?minPosition=${'9'.repeat(20)}`)
      .set(as.auditor);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.type).toBe('/problems/projection-behind');
  });

  it('refuses a malformed minPosition', async () => {
    const response = await request(service.app).get('/v1/subjects/wang/score?minPosition=12').set(as.auditor);
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ in: 'query', field: '/minPosition' });
  });
});

describe('GET /v1/subjects/{id}/history', () => {
  it('lists the registration and the entries oldest first, with running balances', async () => {
    await registerPerson(service, 'wang');
    await record('wang', heroicAct('2026-01-05T10:00:00Z'));
    const position = await record('wang', {
      ruleCode: 'TRF-TICKET',
      occurredAt: '2026-03-01T08:00:00Z',
      evidence: [evidenceOf('trafficTicket')],
    });
    const { body } = await request(service.app)
      .get(`/v1/subjects/wang/history?minPosition=${position}`)
      .set(as.auditor);
    expect(schemas.validate('api/responses.json#/$defs/History', body)).toBeUndefined();
    expect(
      body.items.map((item: { type: string; points: number; balance: number }) => [
        item.type,
        item.points,
        item.balance,
      ]),
    ).toEqual([
      ['SubjectRegistered', 0, 1000],
      ['EntryPosted', 30, 1030],
      ['SubjectNotified', 0, 1030],
      ['EntryPosted', -5, 1025],
      ['SubjectNotified', 0, 1025],
    ]);
    expect(body.items[3]).toMatchObject({
      occurredAt: '2026-03-01T08:00:00.000Z',
      recordedAt: '2026-11-26T10:00:00.000Z',
      recordedBy: 'officer-zhang',
      schemeVersion: 'rongcheng-2021.1',
      evidence: [evidenceOf('trafficTicket')],
    });
    expect(body.next).toBeNull();
  });

  it('pages with limit and next, visiting every item once', async () => {
    await registerPerson(service, 'wang');
    let position = '';
    for (let month = 1; month <= 4; month += 1) {
      position = await record('wang', {
        ruleCode: 'VOL-PROJECT',
        occurredAt: `2026-0${month}-10T10:00:00Z`,
        evidence: [evidenceOf('volunteerHoursCert', `V-${month}`)],
      });
    }
    const first = await request(service.app)
      .get(`/v1/subjects/wang/history?limit=4&minPosition=${position}`)
      .set(as.auditor);
    const second = await request(service.app)
      .get(`/v1/subjects/wang/history?limit=4&after=${first.body.next}`)
      .set(as.auditor);
    const third = await request(service.app)
      .get(`/v1/subjects/wang/history?limit=4&after=${second.body.next}`)
      .set(as.auditor);
    expect([first, second, third].map((page) => page.body.items.length)).toEqual([4, 4, 1]);
    expect(third.body.next).toBeNull();
    expect(third.body.items[0].balance).toBe(1008);
  });

  it('takes a page size of up to 200', async () => {
    const { position } = await registerPerson(service, 'wang');
    const response = await request(service.app)
      .get(`/v1/subjects/wang/history?limit=200&minPosition=${position}`)
      .set(as.auditor);
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(1);
  });

  it('refuses a page size over 200', async () => {
    await registerPerson(service, 'wang');
    const response = await request(service.app).get('/v1/subjects/wang/history?limit=201').set(as.auditor);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('/limit');
  });
});

describe('GET /v1/scheme', () => {
  it('answers the scheme in force with its catalogue', async () => {
    const { body } = await request(service.app).get('/v1/scheme').set(as.auditor);
    expect(body.version).toBe('rongcheng-2021.1');
    expect(body.baseline).toBe(1000);
    expect(body.catalogue.find((rule: { code: string }) => rule.code === 'TRF-DUI')).toMatchObject({
      direction: 'gradeCap',
      gradeCap: 'C',
    });
    expect(schemas.validate('scheme.schema.json', body)).toBeUndefined();
  });
});

describe('problem types', () => {
  it('are described at their type URI', async () => {
    const { body } = await request(service.app).get('/problems/unknown-rule').set(as.auditor);
    expect(body).toEqual({ type: '/problems/unknown-rule', status: 422, title: 'The scheme has no such rule' });
  });

  it('answer 404 for an unknown route', async () => {
    const response = await request(service.app).get('/v1/nothing-here').set(as.auditor);
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('/problems/not-found');
  });
});
