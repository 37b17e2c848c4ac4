import { join } from 'node:path';
import request from 'supertest';
import type { LedgerService } from '../../src/service';
import {
  evidenceOf,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
  temporaryFolder,
} from '../support/ledgerService';

const folder = temporaryFolder();
afterAll(() => folder.remove());

const readAll = async (service: LedgerService, subjectId: string, minPosition: string) => {
  const as = await signIn(service);
  const reads = await Promise.all(
    [`/v1/subjects/${subjectId}`, `/v1/subjects/${subjectId}/score`, `/v1/subjects/${subjectId}/history`].map((path) =>
      request(service.app).get(`${path}?minPosition=${minPosition}`).set(as.auditor),
    ),
  );
  return reads.map((response) => ({ status: response.status, body: response.body as unknown }));
};

describe('a restart on the same file', () => {
  it('serves the same answers as before it', async () => {
    const dbPath = join(folder.path, 'ledger.db');
    const before = await openTestService({ dbPath });
    await registerPerson(before, 'li');
    const entry = await recordEntry(before, 'li', {
      ruleCode: 'TRF-TICKET',
      occurredAt: '2026-10-01T08:00:00Z',
      evidence: [evidenceOf('trafficTicket')],
    });
    const answersBefore = await readAll(before, 'li', entry.body.position);
    await before.close();

    const after = await openTestService({ dbPath });
    expect(await after.runner.catchUp(5_000)).toBe(true);
    expect(await readAll(after, 'li', entry.body.position)).toEqual(answersBefore);
    await after.close();
  });

  it('resumes projections after their checkpoint without applying any event twice', async () => {
    const dbPath = join(folder.path, 'resume.db');
    const first = await openTestService({ dbPath });
    await registerPerson(first, 'wang');
    await first.runner.catchUp(5_000);
    await first.close();

    const second = await openTestService({ dbPath });
    const entry = await recordEntry(second, 'wang', {
      ruleCode: 'VOL-PROJECT',
      occurredAt: '2026-10-01T08:00:00Z',
      evidence: [evidenceOf('volunteerHoursCert')],
    });
    const history = await request(second.app)
      .get(`/v1/subjects/wang/history?minPosition=${entry.body.position}`)
      .set((await signIn(second)).auditor);
    expect(history.body.items.map((item: { balance: number }) => item.balance)).toEqual([1000, 1002, 1002]);
    await second.close();
  });

  it('republishing the same scheme version writes nothing', async () => {
    const dbPath = join(folder.path, 'scheme.db');
    const first = await openTestService({ dbPath });
    const head = await first.store.headPosition();
    await first.close();
    const second = await openTestService({ dbPath });
    expect(await second.store.headPosition()).toBe(head);
    await second.close();
  });
});
