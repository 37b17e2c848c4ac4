import request from 'supertest';
import type { LedgerService } from '../../src/service';
import {
  bearer,
  evidenceOf,
  fixedClock,
  openTestService,
  registerPerson,
  signIn,
  type Headers,
  type TestClock,
  ledgerHead,
} from '../support/ledgerService';

let service: LedgerService;
let clock: TestClock;
let court: Headers;
let approver: Headers;
let officer: Headers;
let resident: Headers;

beforeEach(async () => {
  clock = fixedClock();
  service = await openTestService({ clock });
  await registerPerson(service, 'li');
  court = await bearer(service, { subject: 'judge-sun', roles: ['recorder'], authority: 'court' });
  approver = await bearer(service, { subject: 'approver-wu', roles: ['approver'] });
  officer = await bearer(service, { subject: 'officer-zhou', roles: ['appealOfficer'] });
  resident = await bearer(service, { subject: 'li', roles: ['resident'], subjectId: 'li' });
});
afterEach(() => service.close());

const app = () => request(service.app);
const caughtUp = () => service.runner.catchUp(2_000);
const score = async () =>
  (
    await app()
      .get('/v1/subjects/li/score')
      .set((await signIn(service)).auditor)
  ).body.score as number;

/** A −50 court finding: at the four-eyes threshold, so only proposed. */
const propose = async (documentNumber = 'J-1', occurredAt = '2026-10-01T08:00:00Z') => {
  const response = await app()
    .post('/v1/subjects/li/entries')
    .set(court)
    .send({ ruleCode: 'COM-SUED-BREACH', occurredAt, evidence: [evidenceOf('courtJudgment', documentNumber)] });
  await caughtUp();
  return response;
};

describe('four eyes through the API', () => {
  it('answers 202 pending for a deduction at the threshold, which does not count until approved', async () => {
    const proposed = await propose();
    expect(proposed.status).toBe(202);
    expect(proposed.body.status).toBe('pending');
    expect(await score()).toBe(1000);
    const approved = await app()
      .post(`/v1/entries/${proposed.body.entryId}/approval`)
      .set(approver)
      .send({ decision: 'approve' });
    expect(approved.body).toMatchObject({ status: 'posted' });
    await caughtUp();
    expect(await score()).toBe(950);
  });

  it('lists the proposal in the approvers’ queue until it is decided', async () => {
    const proposed = await propose();
    const queue = await app().get('/v1/approvals?status=pending').set(approver);
    expect(queue.body.items.map((item: { entryId: string }) => item.entryId)).toEqual([proposed.body.entryId]);
  });

  it('shows the proposal to an approver who reads at the position its recording returned', async () => {
    const proposed = await propose();
    const queue = await app().get(`/v1/approvals?minPosition=${proposed.body.position}`).set(approver);
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((item: { entryId: string }) => item.entryId)).toEqual([proposed.body.entryId]);
  });

  it('refuses the recorder approving their own entry with 403, writing nothing', async () => {
    const proposed = await propose();
    const both = await bearer(service, { subject: 'judge-sun', roles: ['recorder', 'approver'], authority: 'court' });
    const before = ledgerHead(service);
    const response = await app()
      .post(`/v1/entries/${proposed.body.entryId}/approval`)
      .set(both)
      .send({ decision: 'approve' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/separation-of-duties');
    expect(ledgerHead(service)).toBe(before);
  });

  it('refuses a rejection without a reason with 422, writing nothing', async () => {
    const proposed = await propose();
    const before = ledgerHead(service);
    const response = await app()
      .post(`/v1/entries/${proposed.body.entryId}/approval`)
      .set(approver)
      .send({ decision: 'reject' });
    expect(response.status).toBe(422);
    expect(ledgerHead(service)).toBe(before);
  });

  it('answers 404 for an approval of an unknown entry', async () => {
    const response = await app()
      .post('/v1/entries/01890000-0000-7000-8000-000000000000/approval')
      .set(approver)
      .send({ decision: 'approve' });
    expect(response.status).toBe(404);
  });
});

describe('reinstatement under four eyes through the API', () => {
  /**
   * The court's −50 finding, approved by a second person, then reversed on li's objection by an appeal officer: the
   * story of a reinstatement. Returns the entry's id.
   */
  const reversedFinding = async (): Promise<string> => {
    const { entryId } = (await propose()).body as { entryId: string };
    await app().post(`/v1/entries/${entryId}/approval`).set(approver).send({ decision: 'approve' });
    const filed = await app()
      .post('/v1/objections')
      .set(resident)
      .send({ subjectId: 'li', entryId, grounds: 'The judgment was set aside on appeal.' });
    const reversed = await app()
      .post(`/v1/objections/${filed.body.objectionId}/decision`)
      .set(officer)
      .send({ outcome: 'reversed', reasons: 'The appeal court set the judgment aside.' });
    if (reversed.status !== 200) throw new Error(`reversal failed: ${JSON.stringify(reversed.body)}`);
    await caughtUp();
    return entryId;
  };
  const reinstate = (entryId: string, headers: Headers = court) =>
    app()
      .post(`/v1/entries/${entryId}/reinstatement`)
      .set(headers)
      .send({ evidence: [evidenceOf('courtJudgment', 'J-RETRIAL')], reasons: 'The retrial found the same.' });

  it('answers 202 pending, and the entry does not count until a second person approves it', async () => {
    const entryId = await reversedFinding();
    const reinstated = await reinstate(entryId);
    expect(reinstated.status).toBe(202);
    expect(reinstated.body.status).toBe('pending');
    await caughtUp();
    expect(await score()).toBe(1000);
    const approved = await app().post(`/v1/entries/${entryId}/approval`).set(approver).send({ decision: 'approve' });
    expect(approved.body).toMatchObject({ status: 'posted' });
    await caughtUp();
    expect(await score()).toBe(950);
  });

  it('lists the reinstatement in the approvers’ queue, naming who proposed it, why and on what evidence', async () => {
    const entryId = await reversedFinding();
    await reinstate(entryId);
    await caughtUp();
    const queue = await app().get('/v1/approvals?status=pending').set(approver);
    expect(queue.body.items).toEqual([
      expect.objectContaining({
        kind: 'reinstatement',
        entryId,
        points: -50,
        reinstatedBy: 'judge-sun',
        evidence: [evidenceOf('courtJudgment', 'J-RETRIAL')],
        reasons: 'The retrial found the same.',
      }),
    ]);
  });

  it('leaves the entry reversed when the approver rejects its reinstatement', async () => {
    const entryId = await reversedFinding();
    await reinstate(entryId);
    const rejected = await app()
      .post(`/v1/entries/${entryId}/approval`)
      .set(approver)
      .send({ decision: 'reject', reason: 'The retrial judgment is not final.' });
    expect(rejected.body).toMatchObject({ status: 'reversed' });
    await caughtUp();
    expect(await score()).toBe(1000);
  });

  it('refuses the reinstater approving their own reinstatement with 403, writing nothing', async () => {
    const entryId = await reversedFinding();
    const both = await bearer(service, { subject: 'judge-qian', roles: ['recorder', 'approver'], authority: 'court' });
    await reinstate(entryId, both);
    const before = ledgerHead(service);
    const response = await app().post(`/v1/entries/${entryId}/approval`).set(both).send({ decision: 'approve' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/separation-of-duties');
    expect(ledgerHead(service)).toBe(before);
  });
});

describe('officials deciding about their own record', () => {
  it('refuses a recorder recording an entry about themselves with 403, writing nothing', async () => {
    const self = await bearer(service, {
      subject: 'officer-li',
      roles: ['recorder', 'resident'],
      authority: 'traffic-police',
      subjectId: 'li',
    });
    const before = ledgerHead(service);
    const response = await app()
      .post('/v1/subjects/li/entries')
      .set(self)
      .send({ ruleCode: 'TRF-TICKET', occurredAt: '2026-10-01T08:00:00Z', evidence: [evidenceOf('trafficTicket')] });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/separation-of-duties');
    expect(ledgerHead(service)).toBe(before);
  });

  it('refuses an approver approving an entry about themselves with 403, writing nothing', async () => {
    const proposed = await propose();
    const self = await bearer(service, { subject: 'approver-li', roles: ['approver', 'resident'], subjectId: 'li' });
    const before = ledgerHead(service);
    const response = await app()
      .post(`/v1/entries/${proposed.body.entryId}/approval`)
      .set(self)
      .send({ decision: 'approve' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/separation-of-duties');
    expect(ledgerHead(service)).toBe(before);
  });

  it('refuses a recorder reinstating an entry about themselves with 403, writing nothing', async () => {
    const police = await bearer(service, { subject: 'officer-7', roles: ['recorder'], authority: 'traffic-police' });
    const ticket = await app()
      .post('/v1/subjects/li/entries')
      .set(police)
      .send({ ruleCode: 'TRF-TICKET', occurredAt: '2026-10-01T08:00:00Z', evidence: [evidenceOf('trafficTicket')] });
    const filed = await app()
      .post('/v1/objections')
      .set(resident)
      .send({ subjectId: 'li', entryId: ticket.body.entryId, grounds: 'The plate was misread.' });
    await app()
      .post(`/v1/objections/${filed.body.objectionId}/decision`)
      .set(officer)
      .send({ outcome: 'reversed', reasons: 'The photo shows another plate.' });
    await caughtUp();
    const self = await bearer(service, {
      subject: 'officer-li',
      roles: ['recorder', 'resident'],
      authority: 'traffic-police',
      subjectId: 'li',
    });
    const before = ledgerHead(service);
    const response = await app()
      .post(`/v1/entries/${ticket.body.entryId}/reinstatement`)
      .set(self)
      .send({ evidence: [evidenceOf('trafficTicket', 'T-2')], reasons: 'The camera record was found.' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/separation-of-duties');
    expect(ledgerHead(service)).toBe(before);
  });
});

describe('credit repair through the API', () => {
  const postedTicket = async () => {
    const police = await bearer(service, { subject: 'officer-7', roles: ['recorder'], authority: 'traffic-police' });
    const response = await app()
      .post('/v1/subjects/li/entries')
      .set(police)
      .send({
        ruleCode: 'TRF-TICKET',
        occurredAt: '2026-10-01T08:00:00Z',
        evidence: [evidenceOf('trafficTicket', 'T-1')],
      });
    await caughtUp();
    return response.body.entryId as string;
  };

  it('ends the effect of a repaired entry at once, keeping it in the history', async () => {
    const entryId = await postedTicket();
    const applied = await app()
      .post(`/v1/entries/${entryId}/repair`)
      .set(resident)
      .send({ proof: [evidenceOf('trafficTicket', 'PAID-1')] });
    expect(applied.status).toBe(202);
    const granted = await app()
      .post(`/v1/entries/${entryId}/repair/decision`)
      .set(officer)
      .send({ decision: 'grant', reasons: 'fine paid' });
    expect(granted.status).toBe(200);
    await caughtUp();
    expect(await score()).toBe(1000);
    const history = await app()
      .get('/v1/subjects/li/history')
      .set((await signIn(service)).auditor);
    expect(history.body.items.map((item: { type: string }) => item.type)).toContain('CreditRepairGranted');
  });

  it('is applied for only by the subject: another resident gets 404', async () => {
    const entryId = await postedTicket();
    const other = await bearer(service, { subject: 'wang', roles: ['resident'], subjectId: 'wang' });
    const response = await app()
      .post(`/v1/entries/${entryId}/repair`)
      .set(other)
      .send({ proof: [evidenceOf('trafficTicket', 'PAID-1')] });
    expect(response.status).toBe(404);
  });

  it('answers another resident as if the entry did not exist: no word of whose it is', async () => {
    const entryId = await postedTicket();
    const other = await bearer(service, { subject: 'wang', roles: ['resident'], subjectId: 'wang' });
    const repairOf = (id: string) =>
      app()
        .post(`/v1/entries/${id}/repair`)
        .set(other)
        .send({ proof: [evidenceOf('trafficTicket', 'PAID-1')] });
    const someoneElses = await repairOf(entryId);
    const none = await repairOf('00000000-0000-4000-8000-000000000000');
    expect([someoneElses.body.type, none.body.type]).toEqual([
      '/problems/entry-not-found',
      '/problems/entry-not-found',
    ]);
    expect(someoneElses.body.subjectId).toBeUndefined();
    expect(someoneElses.body.detail).toBe(`no entry ${entryId}`);
  });

  it('is refused before the minimum period of a general entry (3 months), writing nothing', async () => {
    const proposed = await propose('J-2', '2026-10-01T08:00:00Z');
    await app().post(`/v1/entries/${proposed.body.entryId}/approval`).set(approver).send({ decision: 'approve' });
    await caughtUp();
    const before = ledgerHead(service);
    const response = await app()
      .post(`/v1/entries/${proposed.body.entryId}/repair`)
      .set(resident)
      .send({ proof: [evidenceOf('courtJudgment', 'PAID-2')] });
    expect(response.status).toBe(422);
    expect(response.body.type).toBe('/problems/repair-too-early');
    expect(ledgerHead(service)).toBe(before);
  });
});
