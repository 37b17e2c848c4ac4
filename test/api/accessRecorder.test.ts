import request from 'supertest';
import { createAccessRecorder, recordsPerEventMax, type AccessRecorderOptions } from '../../src/api/accessRecorder';
import type { Principal } from '../../src/api/auth/principal';
import { Problem } from '../../src/api/problems';
import { markSubjectsRead, recordReads, subjectOfPath, subjectsMarkedRead } from '../../src/api/recordReads';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import type { EventStore } from '../../src/events/eventStore';
import { accessLogStream, type RecordsAccessed } from '../../src/events/ledgerEvents';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { schemaRegistry } from '../../src/schemaRegistry';
import { as, auditor, authenticateFromTestHeader, consumer, residentOf, testApp } from '../support/testPrincipals';

const now = new Date('2026-11-26T10:00:00.000Z');
const clock = () => now;
const registered = ['wang', 'li', 'zhao'];
const blacklisted = ['wang', 'li'];

interface SetUpOptions extends Partial<AccessRecorderOptions> {
  /** Puts a fault between the recorder and the real store. */
  faulty?: (store: EventStore) => EventStore;
}

const setUp = ({ faulty = (store) => store, ...options }: SetUpOptions = {}) => {
  const db = openLedgerDatabase(':memory:');
  const stored = withEventValidation(createSqliteEventStore({ db, clock }), schemaRegistry());
  const failures: unknown[] = [];
  const recorder = createAccessRecorder({
    store: faulty(stored),
    clock,
    batchSizeMax: 10,
    flushIntervalMs: 60_000,
    onFailure: (error) => failures.push(error),
    ...options,
  });
  const app = testApp((app) => {
    app.use(authenticateFromTestHeader);
    app.get('/subjects/:id/score', recordReads(recorder, 'score', subjectOfPath), (req, res) => {
      const subjectId = req.params.id as string;
      if (!registered.includes(subjectId)) throw new Problem('subject-not-found', `no subject ${subjectId}`);
      res.json({ subjectId, score: 1000 });
    });
    app.get('/blacklist', recordReads(recorder, 'listings', subjectsMarkedRead), (_req, res) => {
      markSubjectsRead(res, blacklisted);
      res.json({ listed: blacklisted });
    });
    app.get('/unmarked-blacklist', recordReads(recorder, 'listings', subjectsMarkedRead), (_req, res) => {
      res.json({ listed: blacklisted });
    });
  });
  const read = (path: string, viewer: Principal) => request(app).get(path).set(as(viewer));
  const appends = () => stored.readStream(accessLogStream);
  const records = async () => (await appends()).flatMap((event) => (event.data as RecordsAccessed).records);
  return { recorder, read, appends, records, failures };
};

/** The real store, with a switch that makes its appends fail as an unreachable store's would. */
const withOutage = () => {
  const outage = { down: true };
  const faulty = (store: EventStore): EventStore => ({
    ...store,
    appendToStream: (...args) =>
      outage.down ? Promise.reject(new Error('the store is unreachable')) : store.appendToStream(...args),
  });
  return { outage, faulty };
};

/**
 * The real store, whose appends wait until release() is called; `appendsCalled` lists the records each append was
 * called with, held or not, and `appendsSettled` resolves once every append called so far has settled.
 */
const withHeldAppends = () => {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const calls: { records: number; settled: Promise<unknown> }[] = [];
  const slow = (store: EventStore): EventStore => ({
    ...store,
    appendToStream: (...args) => {
      const appended = released.then(() => store.appendToStream(...args));
      const [event] = args[1];
      calls.push({
        records: (event?.data as RecordsAccessed).records.length,
        settled: appended.catch(() => undefined),
      });
      return appended;
    },
  });
  return {
    slow,
    release: () => release(),
    appendsCalled: () => calls.map((call) => call.records),
    appendsSettled: () => Promise.all(calls.map((call) => call.settled)),
  };
};

/**
 * Resolves once the callbacks already queued have run: what a writer does once its append has settled (its next
 * append, if any) it does in promise callbacks, which all run before this.
 */
const queuedCallbacksRun = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const until = async (condition: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not come true in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('recording reads of a subject’s data', () => {
  it('records a read by someone else once: whose data, who, in which roles, why, what and when', async () => {
    const { recorder, read, records } = setUp();
    expect((await read('/subjects/wang/score', auditor)).status).toBe(200);
    await recorder.flush();
    expect(await records()).toEqual([
      {
        subjectId: 'wang',
        viewerId: 'auditor-chen',
        viewerRoles: ['auditor'],
        purpose: 'audit',
        what: 'score',
        at: '2026-11-26T10:00:00.000Z',
      },
    ]);
  });

  it('records every read, even the same one repeated', async () => {
    const { recorder, read, records } = setUp();
    await read('/subjects/wang/score', consumer);
    await read('/subjects/wang/score', consumer);
    await recorder.flush();
    expect(await records()).toHaveLength(2);
  });

  it('does not record a subject reading their own data', async () => {
    const { recorder, read, records } = setUp();
    expect((await read('/subjects/wang/score', residentOf('wang'))).status).toBe(200);
    await recorder.flush();
    expect(await records()).toEqual([]);
  });

  it('does not record a failed read', async () => {
    const { recorder, read, records } = setUp();
    expect((await read('/subjects/nobody/score', auditor)).status).toBe(404);
    await recorder.flush();
    expect(await records()).toEqual([]);
  });

  it('records a list read once per subject in the answer, except the reader’s own', async () => {
    const { recorder, read, records } = setUp();
    expect((await read('/blacklist', residentOf('li'))).status).toBe(200);
    await recorder.flush();
    expect((await records()).map((record) => [record.subjectId, record.what])).toEqual([['wang', 'listings']]);
  });

  it('reports a list route that answers without marking the subjects it read', async () => {
    const { recorder, read, failures } = setUp();
    await read('/unmarked-blacklist', auditor);
    await recorder.flush();
    expect(failures).toEqual([expect.objectContaining({ message: expect.stringMatching(/markSubjectsRead/) })]);
  });
});

describe('the access recorder', () => {
  it('answers reads without waiting for the store', async () => {
    const { slow, release } = withHeldAppends();
    const { recorder, read, records } = setUp({ faulty: slow, batchSizeMax: 1 });
    expect((await read('/subjects/wang/score', auditor)).status).toBe(200);
    expect(await records()).toEqual([]);
    release();
    await recorder.flush();
    expect(await records()).toHaveLength(1);
  });

  it('writes many reads in few appends: one event per full batch', async () => {
    const { recorder, read, appends, records } = setUp({ batchSizeMax: 10 });
    for (let count = 0; count < 25; count += 1) await read('/subjects/wang/score', auditor);
    await recorder.flush();
    expect((await appends()).map((event) => (event.data as RecordsAccessed).records.length)).toEqual([10, 10, 5]);
    expect(await records()).toHaveLength(25);
  });

  it('leaves the reads that arrive while a full batch is written to fill the next batch', async () => {
    const { slow, release, appendsCalled, appendsSettled } = withHeldAppends();
    const { read, appends } = setUp({ faulty: slow, batchSizeMax: 4 });
    const batchSizes = async () => (await appends()).map((event) => (event.data as RecordsAccessed).records.length);
    for (let count = 0; count < 6; count += 1) await read('/subjects/wang/score', auditor);
    expect(appendsCalled()).toEqual([4]);
    release();
    await appendsSettled();
    await queuedCallbacksRun();
    // The full batch written, and no append called for the two that came while it was held.
    expect(appendsCalled()).toEqual([4]);
    expect(await batchSizes()).toEqual([4]);
    for (let count = 0; count < 2; count += 1) await read('/subjects/li/score', auditor);
    await until(async () => (await appends()).length === 2);
    expect(await batchSizes()).toEqual([4, 4]);
  });

  it('writes a batch that is not full once the flush interval has passed', async () => {
    const { read, records } = setUp({ flushIntervalMs: 20 });
    await read('/subjects/wang/score', auditor);
    await read('/subjects/li/score', auditor);
    await until(async () => (await records()).length === 2);
  });

  it('writes every waiting record on close', async () => {
    const { recorder, read, records } = setUp({ batchSizeMax: 100 });
    for (const subjectId of registered) await read(`/subjects/${subjectId}/score`, auditor);
    expect(await records()).toEqual([]);
    await recorder.close();
    expect((await records()).map((record) => record.subjectId)).toEqual(registered);
  });

  it('refuses reads once closed', async () => {
    const { recorder, read } = setUp();
    await recorder.close();
    expect((await read('/subjects/wang/score', auditor)).status).toBe(503);
  });

  it('keeps the records while the store is down and writes them once it is back', async () => {
    const { outage, faulty } = withOutage();
    const { recorder, read, records } = setUp({ faulty });
    await read('/subjects/wang/score', auditor);
    await read('/subjects/li/score', auditor);
    await expect(recorder.flush()).rejects.toThrow('the store is unreachable');
    outage.down = false;
    await recorder.flush();
    expect((await records()).map((record) => record.subjectId)).toEqual(['wang', 'li']);
  });

  it('stores a batch once when its write committed but answered with a failure', async () => {
    let failAfterCommit = true;
    const unreliable = (store: EventStore): EventStore => ({
      ...store,
      appendToStream: async (...args) => {
        const result = await store.appendToStream(...args);
        if (!failAfterCommit) return result;
        failAfterCommit = false;
        throw new Error('the connection dropped before the answer');
      },
    });
    const { recorder, read, appends } = setUp({ faulty: unreliable });
    await read('/subjects/wang/score', auditor);
    await expect(recorder.flush()).rejects.toThrow('the connection dropped');
    await recorder.flush();
    expect(await appends()).toHaveLength(1);
  });

  it('refuses reads with 503 once the records waiting for a down store reach the bound, and loses none', async () => {
    const { outage, faulty } = withOutage();
    const { recorder, read, records } = setUp({ faulty, batchSizeMax: 2, pendingMax: 3 });
    for (const subjectId of registered) expect((await read(`/subjects/${subjectId}/score`, auditor)).status).toBe(200);
    const refused = await read('/subjects/wang/score', auditor);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body.type).toBe('/problems/access-log-unavailable');
    outage.down = false;
    await recorder.flush();
    expect((await records()).map((record) => record.subjectId)).toEqual(registered);
    expect((await read('/subjects/wang/score', auditor)).status).toBe(200);
  });

  it('refuses a batch size its event cannot hold', () => {
    expect(() => setUp({ batchSizeMax: recordsPerEventMax + 1 })).toThrow(RangeError);
  });
});
