import { join } from 'node:path';
import request from 'supertest';
import type { LedgerService } from '../../src/service';
import { bearer, openTestService, registerPerson, signIn, temporaryFolder } from '../support/ledgerService';

const folder = temporaryFolder();
afterAll(() => folder.remove());

const accessLogOf = async (service: LedgerService, subjectId: string) => {
  const response = await request(service.app)
    .get(`/v1/subjects/${subjectId}/access-log`)
    .set(await bearer(service, { subject: subjectId, roles: ['resident'], subjectId }));
  return response.body.items as { viewerId: string; viewerRoles: string[]; purpose: string; what: string }[];
};

describe('access records', () => {
  it('are written on a clean shutdown and shown to the subject after a restart', async () => {
    const dbPath = join(folder.path, 'access.db');
    const first = await openTestService({ dbPath });
    await registerPerson(first, 'wang');
    await first.runner.catchUp(2_000);
    const { auditor } = await signIn(first);
    await request(first.app).get('/v1/subjects/wang/score').set(auditor).expect(200);
    await request(first.app).get('/v1/subjects/wang/history').set(auditor).expect(200);
    await first.close();

    const second = await openTestService({ dbPath });
    await second.runner.catchUp(2_000);
    expect(await accessLogOf(second, 'wang')).toEqual([
      expect.objectContaining({ viewerId: 'auditor-chen', viewerRoles: ['auditor'], purpose: 'audit', what: 'score' }),
      expect.objectContaining({
        viewerId: 'auditor-chen',
        viewerRoles: ['auditor'],
        purpose: 'audit',
        what: 'history',
      }),
    ]);
    await second.close();
  });

  it("leave out the subject's own reads", async () => {
    const dbPath = join(folder.path, 'own.db');
    const service = await openTestService({ dbPath });
    await registerPerson(service, 'wang');
    await service.runner.catchUp(2_000);
    const resident = await bearer(service, { subject: 'wang', roles: ['resident'], subjectId: 'wang' });
    await request(service.app).get('/v1/subjects/wang/score').set(resident).expect(200);
    await service.close();
    const reopened = await openTestService({ dbPath });
    await reopened.runner.catchUp(2_000);
    expect(await accessLogOf(reopened, 'wang')).toEqual([]);
    await reopened.close();
  });

  it("state the purpose of the role the read was granted in, not of the viewer's first role", async () => {
    const service = await openTestService({ dbPath: join(folder.path, 'purpose.db') });
    await registerPerson(service, 'wang');
    await service.runner.catchUp(2_000);
    // Of the two roles, only the auditor's may read a history.
    const clerk = await bearer(service, { subject: 'clerk-ma', roles: ['recorder', 'auditor'], authority: 'court' });
    await request(service.app).get('/v1/subjects/wang/history').set(clerk).expect(200);
    await service.recorder.flush();
    await service.runner.catchUp(2_000);
    expect(await accessLogOf(service, 'wang')).toEqual([
      expect.objectContaining({ viewerId: 'clerk-ma', viewerRoles: ['recorder', 'auditor'], purpose: 'audit' }),
    ]);
    await service.close();
  });

  it("record a read of a subject's listings that finds none: that they are not listed was disclosed", async () => {
    const service = await openTestService({ dbPath: join(folder.path, 'no-listings.db') });
    await registerPerson(service, 'wang');
    await service.runner.catchUp(2_000);
    const { auditor } = await signIn(service);
    const read = await request(service.app).get('/v1/subjects/wang/listings').set(auditor).expect(200);
    expect(read.body.items).toEqual([]);
    await service.recorder.flush();
    await service.runner.catchUp(2_000);
    expect(await accessLogOf(service, 'wang')).toEqual([
      expect.objectContaining({ viewerId: 'auditor-chen', what: 'listings' }),
    ]);
    await service.close();
  });
});
