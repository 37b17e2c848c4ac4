import request from 'supertest';
import type { LedgerService } from '../../src/service';
import { schemaRegistry } from '../../src/schemaRegistry';
import {
  evidenceOf,
  official,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
  ledgerHead,
} from '../support/ledgerService';

const schemas = schemaRegistry();
let service: LedgerService;
let as: Awaited<ReturnType<typeof signIn>>;

beforeEach(async () => {
  service = await openTestService();
  as = await signIn(service);
  await registerPerson(service, 'li', '1990-08-02');
});
afterEach(() => service.close());

const ticket = { ruleCode: 'TRF-TICKET', occurredAt: '2026-10-01T08:00:00Z', evidence: [evidenceOf('trafficTicket')] };

/** Records `body` and expects a refusal with `status` and problem `code`, with nothing written. */
const expectRefused = async (body: Record<string, unknown>, status: number, code: string, subjectId = 'li') => {
  const before = ledgerHead(service);
  const response = await recordEntry(service, subjectId, body);
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `/problems/${code}`, status });
  expect(ledgerHead(service)).toBe(before);
  return response.body as { detail: string; errors?: { field: string }[] };
};

describe('POST /v1/subjects/{id}/entries', () => {
  it('records an entry and answers its id, status and position', async () => {
    const response = await recordEntry(service, 'li', ticket);
    expect(response.status).toBe(201);
    expect(response.body.status).toBe('posted');
    expect(schemas.validate('api/responses.json#/$defs/EntryRecorded', response.body)).toBeUndefined();
    const [, posted, notice] = await service.store.readStream('subject-li');
    expect(notice?.data).toEqual({ subjectId: 'li', entryId: response.body.entryId, notice: 'entryPosted' });
    expect(posted?.data).toMatchObject({
      entryId: response.body.entryId,
      ruleCode: 'TRF-TICKET',
      points: -5,
      severity: 'minor',
      schemeVersion: 'rongcheng-2021.1',
      recordedBy: official,
      effectiveUntil: '2027-10-01T08:00:00.000Z',
    });
    expect(notice?.position).toBe(response.body.position);
  });

  it('records points chosen from a range when a narrative justifies them', async () => {
    const response = await recordEntry(service, 'li', {
      ruleCode: 'VOL-HOURS',
      occurredAt: '2026-10-01T08:00:00Z',
      points: 3,
      narrative: '12 hours at the library',
      evidence: [evidenceOf('volunteerHoursCert')],
    });
    expect(response.status).toBe(201);
  });

  it('answers 404 for an unknown subject, writing nothing', async () => {
    await expectRefused(ticket, 404, 'subject-not-found', 'nobody');
  });

  it('answers 400 naming the field when evidence is missing', async () => {
    const problem = await expectRefused({ ...ticket, evidence: [] }, 400, 'validation-failed');
    expect(problem.errors?.[0]?.field).toBe('/evidence');
  });

  it('answers 400 naming the field of a malformed evidence hash', async () => {
    const problem = await expectRefused(
      { ...ticket, evidence: [{ ...evidenceOf('trafficTicket'), sha256: 'abc' }] },
      400,
      'validation-failed',
    );
    expect(problem.errors?.[0]?.field).toBe('/evidence/0/sha256');
  });

  it('answers 400 for an unknown field such as a self-set score', async () => {
    const problem = await expectRefused({ ...ticket, balance: 2000 }, 400, 'validation-failed');
    expect(problem.errors?.[0]?.field).toBe('/balance');
  });

  it('answers 401 without credentials', async () => {
    const response = await request(service.app).post('/v1/subjects/li/entries').send(ticket);
    expect(response.status).toBe(401);
  });

  it('refuses a recorder outside their authority with 403, writing nothing', async () => {
    const before = ledgerHead(service);
    const response = await request(service.app)
      .post('/v1/subjects/li/entries')
      .set(await as.recorder('utility'))
      .send(ticket);
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/outside-authority');
    expect(ledgerHead(service)).toBe(before);
  });

  it('refuses an auditor, who may read but not record, with 403', async () => {
    const response = await request(service.app).post('/v1/subjects/li/entries').set(as.auditor).send(ticket);
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/forbidden');
  });

  it('refuses an unknown rule code with 422', async () => {
    await expectRefused({ ...ticket, ruleCode: 'FAM-SON-IN-ARMY' }, 422, 'unknown-rule');
  });

  it('refuses evidence of a kind the rule does not allow', async () => {
    await expectRefused({ ...ticket, evidence: [evidenceOf('photo')] }, 422, 'evidence-kind-not-allowed');
  });

  it('refuses a deduction backed by a photo beside the official document', async () => {
    await expectRefused(
      { ...ticket, evidence: [evidenceOf('trafficTicket'), evidenceOf('photo', 'IMG-1')] },
      422,
      'evidence-kind-not-allowed',
    );
  });

  it('refuses points for a rule that fixes its own', async () => {
    await expectRefused({ ...ticket, points: -5 }, 422, 'points-not-allowed');
  });

  it('refuses points outside the range of the rule', async () => {
    await expectRefused(
      {
        ruleCode: 'VOL-HOURS',
        occurredAt: '2026-10-01T08:00:00Z',
        points: 9,
        narrative: 'a lot',
        evidence: [evidenceOf('volunteerHoursCert')],
      },
      422,
      'points-out-of-range',
    );
  });

  it('refuses a range rule without points', async () => {
    await expectRefused(
      {
        ruleCode: 'VOL-HOURS',
        occurredAt: '2026-10-01T08:00:00Z',
        narrative: 'x',
        evidence: [evidenceOf('volunteerHoursCert')],
      },
      422,
      'points-required',
    );
  });

  it('refuses points from a range without a narrative', async () => {
    await expectRefused(
      {
        ruleCode: 'VOL-HOURS',
        occurredAt: '2026-10-01T08:00:00Z',
        points: 2,
        evidence: [evidenceOf('volunteerHoursCert')],
      },
      422,
      'narrative-required',
    );
  });

  it('refuses conduct dated in the future', async () => {
    await expectRefused({ ...ticket, occurredAt: '2026-11-26T10:00:01Z' }, 422, 'conduct-in-future');
  });

  it('refuses conduct before the subject was 18', async () => {
    await registerPerson(service, 'young', '2004-03-10');
    await expectRefused({ ...ticket, occurredAt: '2022-03-09T23:59:59Z' }, 422, 'conduct-before-adulthood', 'young');
  });

  it('accepts conduct on the day the subject turned 18', async () => {
    await registerPerson(service, 'young', '2004-03-10');
    expect((await recordEntry(service, 'young', { ...ticket, occurredAt: '2022-03-10T00:00:00Z' })).status).toBe(201);
  });

  it('refuses conduct before the first scheme version took effect', async () => {
    await expectRefused({ ...ticket, occurredAt: '2020-01-01T00:00:00Z' }, 422, 'no-scheme-in-force');
  });

  it('refuses with 409 a judgment that already stands behind an entry of the subject, naming it, writing nothing', async () => {
    const breach = {
      ruleCode: 'COM-CONTRACT-BREACH',
      occurredAt: '2026-10-01T08:00:00Z',
      evidence: [evidenceOf('courtJudgment', '(2026) Lu 1082 Min Chu 77')],
    };
    const first = await recordEntry(service, 'li', breach);
    expect(first.status).toBe(201);
    const problem = await expectRefused(breach, 409, 'evidence-already-used');
    expect(problem).toMatchObject({ entryId: first.body.entryId, documentNumber: '(2026) Lu 1082 Min Chu 77' });
  });

  it('explains the refusal of a document used already at its problem type', async () => {
    const response = await request(service.app).get('/problems/evidence-already-used');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ type: '/problems/evidence-already-used', status: 409 });
  });

  it('refuses a donation that would pass the cap of 30 points in 12 months', async () => {
    const donation = {
      ruleCode: 'CHR-DONATION',
      occurredAt: '2026-01-10T00:00:00Z',
      evidence: [evidenceOf('donationReceipt')],
    };
    expect((await recordEntry(service, 'li', donation)).status).toBe(201);
    const later = { ...donation, occurredAt: '2026-11-01T00:00:00Z', evidence: [evidenceOf('donationReceipt', 'R-2')] };
    await expectRefused(later, 422, 'period-cap-exceeded');
  });

  it('accepts a second donation once the first is more than 12 months older', async () => {
    const donation = {
      ruleCode: 'CHR-DONATION',
      occurredAt: '2025-10-01T00:00:00Z',
      evidence: [evidenceOf('donationReceipt')],
    };
    expect((await recordEntry(service, 'li', donation)).status).toBe(201);
    const second = {
      ...donation,
      occurredAt: '2026-10-02T00:00:00Z',
      evidence: [evidenceOf('donationReceipt', 'R-2')],
    };
    expect((await recordEntry(service, 'li', second)).status).toBe(201);
  });
});
