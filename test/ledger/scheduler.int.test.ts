import request from 'supertest';
import type { LedgerService } from '../../src/service';
import {
  evidenceOf,
  fixedClock,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
  testNow,
  type TestClock,
  ledgerHead,
} from '../support/ledgerService';

let service: LedgerService;
let clock: TestClock;

beforeEach(async () => {
  clock = fixedClock();
  service = await openTestService({ clock });
  await registerPerson(service, 'li');
});
afterEach(() => service.close());

const expiries = async () =>
  (await service.store.readStream('subject-li')).filter((event) => event.type === 'EntryExpired');

const ticket = (occurredAt: string, number: string) => ({
  ruleCode: 'TRF-TICKET',
  occurredAt,
  evidence: [evidenceOf('trafficTicket', number)],
});

describe('the scheduler', () => {
  it('records the expiry of an entry whose effect period has ended, shown in the history', async () => {
    await recordEntry(service, 'li', ticket('2025-12-01T08:00:00Z', 'T-1'));
    clock.set(new Date('2026-12-02T00:00:00Z'));
    await service.runner.catchUp(2_000);
    await service.scheduler.tick();
    expect((await expiries()).map((event) => event.data)).toEqual([
      expect.objectContaining({ subjectId: 'li', expiredAt: '2026-12-01T08:00:00.000Z' }),
    ]);
    await service.runner.catchUp(2_000);
    const history = await request(service.app)
      .get('/v1/subjects/li/history')
      .set((await signIn(service)).auditor);
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'EntryExpired',
      points: 5,
      balance: 1000,
      occurredAt: '2026-12-01T08:00:00.000Z',
    });
  });

  it('changes nothing when run twice', async () => {
    await recordEntry(service, 'li', ticket('2025-11-01T08:00:00Z', 'T-1'));
    await service.runner.catchUp(2_000);
    await service.scheduler.tick();
    const head = ledgerHead(service);
    await service.scheduler.tick();
    await service.runner.catchUp(2_000);
    await service.scheduler.tick();
    expect(ledgerHead(service)).toBe(head);
  });

  it('leaves an entry alone until its effect period ends', async () => {
    await recordEntry(service, 'li', ticket('2026-10-01T08:00:00Z', 'T-2'));
    await service.runner.catchUp(2_000);
    await service.scheduler.tick();
    expect(await expiries()).toHaveLength(0);
    clock.set(new Date('2027-10-01T08:00:00.000Z'));
    await service.scheduler.tick();
    expect(await expiries()).toHaveLength(1);
  });

  it('catches up after the service was down, oldest deadline first', async () => {
    await recordEntry(service, 'li', ticket('2026-03-01T08:00:00Z', 'T-3'));
    await recordEntry(service, 'li', ticket('2026-01-01T08:00:00Z', 'T-4'));
    await service.runner.catchUp(2_000);
    clock.set(new Date(testNow.getTime() + 400 * 86_400_000));
    await service.scheduler.tick();
    expect((await expiries()).map((event) => (event.data as { expiredAt: string }).expiredAt)).toEqual([
      '2027-01-01T08:00:00.000Z',
      '2027-03-01T08:00:00.000Z',
    ]);
  });
});

describe('scheduled checkpoints', () => {
  it('are signed at the first tick, not again within the interval, and again after it', async () => {
    await service.runner.catchUp(2_000);
    await service.scheduler.tick();
    const first = service.latestCheckpoint();
    expect(first?.treeSize).toBeGreaterThan(0);
    clock.set(new Date(testNow.getTime() + 23 * 3_600_000));
    await service.scheduler.tick();
    expect(service.latestCheckpoint()).toEqual(first);
    clock.set(new Date(testNow.getTime() + 24 * 3_600_000));
    await service.scheduler.tick();
    expect(service.latestCheckpoint()?.issuedAt).toBe(new Date(testNow.getTime() + 24 * 3_600_000).toISOString());
  });
});
