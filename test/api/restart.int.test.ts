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
    const before = await recordEntry(first, 'wang', {
      ruleCode: 'VOL-PROJECT',
      occurredAt: '2026-10-01T08:00:00Z',
      evidence: [evidenceOf('volunteerHoursCert', 'V-1')],
    });
    expect(await first.runner.catchUp(5_000)).toBe(true);
    const checkpoint = first.runner.position();
    expect(checkpoint).toBe(await first.store.headPosition());
    await first.close();

    const second = await openTestService({ dbPath, followProjections: false });
    // Where it resumes, before it follows the log: the checkpoint saved before the restart, not the start of the log.
    expect(second.runner.position()).toBe(checkpoint);
    second.runner.start();
    const after = await recordEntry(second, 'wang', {
      ruleCode: 'VOL-PROJECT',
      occurredAt: '2026-10-02T08:00:00Z',
      evidence: [evidenceOf('volunteerHoursCert', 'V-2')],
    });
    expect(await second.runner.catchUp(5_000)).toBe(true);
    expect(second.runner.position()).toBe(after.body.position);
    // The score is read from the projection: each entry counted once, the one from before the restart too.
    const score = await request(second.app)
      .get(`/v1/subjects/wang/score?minPosition=${after.body.position}`)
      .set((await signIn(second)).auditor);
    expect(score.status).toBe(200);
    expect(score.body.score).toBe(1004);
    expect(score.body.explanation.entries.map((entry: { entryId: string }) => entry.entryId)).toEqual([
      before.body.entryId,
      after.body.entryId,
    ]);
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
