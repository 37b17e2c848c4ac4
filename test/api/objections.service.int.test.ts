import request from 'supertest';
import { isLedgerEvent, subjectStream } from '../../src/events/ledgerEvents';
import type { LedgerService } from '../../src/service';
import {
  bearer,
  evidenceOf,
  fixedClock,
  openTestService,
  recordEntry,
  registerPerson,
  type TestClock,
} from '../support/ledgerService';

/**
 * An objection through the whole service, with real authentication: the subject files it, nobody decides
 * it, the scheduler's tick finds the deadline passed and reverses the entry for the missed deadline.
 */

let clock: TestClock;
let service: LedgerService;

beforeEach(async () => {
  clock = fixedClock(new Date('2026-11-26T02:00:00Z'));
  service = await openTestService({ clock });
  await registerPerson(service, 'li');
});
afterEach(() => service.close());

const asLi = () => bearer(service, { subject: 'li', roles: ['resident'], subjectId: 'li' });
const asOfficer = () => bearer(service, { subject: 'appeal-officer-wu', roles: ['appealOfficer'] });

const recordDeduction = async (): Promise<string> => {
  const response = await recordEntry(service, 'li', {
    ruleCode: 'COM-CONTRACT-BREACH',
    occurredAt: '2026-10-01T08:00:00Z',
    evidence: [evidenceOf('courtJudgment', 'J-1')],
  });
  if (response.status !== 201) throw new Error(`recording failed: ${JSON.stringify(response.body)}`);
  return response.body.entryId as string;
};

describe('an objection not decided in time', () => {
  it('reverses its entry for the missed deadline when the scheduler next runs', async () => {
    const entryId = await recordDeduction();
    const filed = await request(service.app)
      .post('/v1/objections')
      .set(await asLi())
      .send({ subjectId: 'li', entryId, grounds: 'I performed the contract; the receipt is attached.' });
    expect(filed.status).toBe(201);
    const { objectionId, decisionDueBy } = filed.body as { objectionId: string; decisionDueBy: string };

    await service.scheduler.tick();
    clock.set(new Date(new Date(decisionDueBy).getTime() + 60 * 60 * 1000));
    await service.runner.catchUp(2_000);
    await service.scheduler.tick();

    const reversal = (await service.store.readStream(subjectStream('li')))
      .filter(isLedgerEvent)
      .find((event) => event.type === 'EntryReversed');
    expect(reversal?.data).toMatchObject({ entryId, reason: 'deadlineMissed', objectionId, decidedBy: 'system' });
    await service.runner.catchUp(2_000);
    const shown = await request(service.app)
      .get(`/v1/objections/${objectionId}`)
      .set(await asOfficer());
    expect(shown.body).toMatchObject({
      status: 'autoReversed',
      autoReversal: { stage: 'objection', dueBy: decisionDueBy },
    });
  });

  it('leaves a decided objection to its decision', async () => {
    const entryId = await recordDeduction();
    const filed = await request(service.app)
      .post('/v1/objections')
      .set(await asLi())
      .send({ subjectId: 'li', entryId, grounds: 'Not me.' });
    const { objectionId, decisionDueBy } = filed.body as { objectionId: string; decisionDueBy: string };
    const decided = await request(service.app)
      .post(`/v1/objections/${objectionId}/decision`)
      .set(await asOfficer())
      .send({ outcome: 'upheld', reasons: 'The judgment names this subject.' });
    expect(decided.status).toBe(200);
    clock.set(new Date(new Date(decisionDueBy).getTime() + 60 * 60 * 1000));
    await service.runner.catchUp(2_000);
    await service.scheduler.tick();
    const types = (await service.store.readStream(subjectStream('li'))).filter(isLedgerEvent).map((e) => e.type);
    expect(types).toContain('EntryUpheld');
    expect(types).not.toContain('EntryReversed');
  });
});

describe('a replay of what the ledger showed', () => {
  it('shows an entry disputed at the instants its objection awaited a decision, and not after it', async () => {
    const entryId = await recordDeduction();
    clock.set(new Date('2026-11-27T02:00:00Z'));
    const filed = await request(service.app)
      .post('/v1/objections')
      .set(await asLi())
      .send({ subjectId: 'li', entryId, grounds: 'Not me.' });
    clock.set(new Date('2026-11-30T02:00:00Z'));
    await request(service.app)
      .post(`/v1/objections/${filed.body.objectionId}/decision`)
      .set(await asOfficer())
      .send({ outcome: 'upheld', reasons: 'The judgment names this subject.' });
    await service.runner.catchUp(2_000);
    const disputedAt = async (asOf: string) => {
      const { body } = await request(service.app)
        .get(`/v1/subjects/li/score?asOf=${asOf}&view=known`)
        .set(await asLi());
      return (body.explanation.entries as { disputed?: boolean }[]).map((entry) => entry.disputed === true);
    };
    expect(await disputedAt('2026-11-26T12:00:00Z')).toEqual([false]);
    expect(await disputedAt('2026-11-28T12:00:00Z')).toEqual([true]);
    expect(await disputedAt('2026-12-01T12:00:00Z')).toEqual([false]);
  });
});
