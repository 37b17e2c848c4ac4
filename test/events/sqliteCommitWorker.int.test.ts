import { join } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import { startCommitWorker, type CommitWorker, type NewRun } from '../../src/events/adapters/sqliteCommitWorker';
import { openLedgerDatabase, type Database } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { START, type EventStore, type NewEvent } from '../../src/events/eventStore';
import { verifyStoredLog } from '../../src/events/integrity/logAudit';
import { fixedClock, temporaryFolder } from '../support/ledgerService';

/**
 * The import's commit worker: rows linked here onto their streams' heads, inserted and committed on a worker
 * thread, and only ever what the store's own append would have stored.
 */

interface Ledger {
  db: Database;
  store: EventStore;
  worker: CommitWorker;
}

const withLedger = async (use: (ledger: Ledger) => Promise<void>): Promise<void> => {
  const folder = temporaryFolder();
  const db = openLedgerDatabase(join(folder.path, 'ledger.db'));
  const clock = fixedClock();
  const store = createSqliteEventStore({ db, clock });
  const worker = startCommitWorker(db, clock);
  try {
    await use({ db, store, worker });
  } finally {
    await worker.stop();
    await store.close();
    db.close();
    folder.remove();
  }
};

const noted = (n: number): NewEvent => ({
  id: uuidv4(),
  type: 'Noted',
  data: { n, note: `note ${n}` },
  metadata: { schemaVersion: 1, actorId: 'importer' },
});

const run = (stream: string, firstRevision: bigint, events: readonly NewEvent[]): NewRun => ({
  stream,
  firstRevision,
  events,
});

const commitLinked = async (worker: CommitWorker, runs: readonly NewRun[]): Promise<boolean> => {
  const linked = worker.link(runs);
  if (!linked) throw new Error('the runs did not link');
  return worker.commit(linked);
};

const storedLog = async (store: EventStore) => (await store.readAllStored?.({ after: START })) ?? [];

describe('the commit worker', () => {
  it('stores the rows the store would have stored for the same appends, hash chain included', async () => {
    const first = [noted(1), noted(2)];
    const second = [noted(3)];
    let throughStore: Awaited<ReturnType<typeof storedLog>> = [];
    await withLedger(async ({ store }) => {
      await store.appendToStream('subject-a', first, { expectedRevision: 'no_stream' });
      await store.appendToStream('subject-b', second, { expectedRevision: 'no_stream' });
      throughStore = await storedLog(store);
    });
    await withLedger(async ({ store, worker }) => {
      expect(await commitLinked(worker, [run('subject-a', 0n, first), run('subject-b', 0n, second)])).toBe(true);
      expect(await storedLog(store)).toEqual(throughStore);
      expect(await verifyStoredLog(store)).toMatchObject({ ok: true, eventCount: 3 });
    });
  });

  it('links a run onto the head the group in flight leaves, before that group is committed', async () => {
    await withLedger(async ({ store, worker }) => {
      const inFlight = worker.commit(worker.link([run('subject-a', 0n, [noted(1), noted(2)])])!);
      const next = worker.link([run('subject-a', 2n, [noted(3)])]);
      expect(next).toBeDefined();
      expect(await inFlight).toBe(true);
      expect(await worker.commit(next!)).toBe(true);
      expect(await store.getStreamRevision('subject-a')).toBe(2n);
      expect(await verifyStoredLog(store)).toMatchObject({ ok: true, eventCount: 3 });
    });
  });

  it('links a run onto its stream as committed, whoever appended it', async () => {
    await withLedger(async ({ store, worker }) => {
      await store.appendToStream('subject-a', [noted(1)]);
      expect(await commitLinked(worker, [run('subject-a', 1n, [noted(2)])])).toBe(true);
      expect(await verifyStoredLog(store)).toMatchObject({ ok: true, eventCount: 2 });
    });
  });

  it('does not link a run that leaves a gap after its stream or overlaps it', async () => {
    await withLedger(async ({ store, worker }) => {
      expect(worker.link([run('subject-a', 1n, [noted(1)])])).toBeUndefined();
      await store.appendToStream('subject-a', [noted(1), noted(2)]);
      expect(worker.link([run('subject-a', 1n, [noted(3)])])).toBeUndefined();
      expect(worker.link([run('subject-a', 3n, [noted(3)])])).toBeUndefined();
    });
  });

  it('refuses, storing nothing of the group, a run whose stream another writer moved since it was linked', async () => {
    await withLedger(async ({ store, worker }) => {
      const linked = worker.link([run('subject-b', 0n, [noted(1)]), run('subject-a', 0n, [noted(2)])])!;
      const other = noted(3);
      await store.appendToStream('subject-a', [other]);
      expect(await worker.commit(linked)).toBe(false);
      expect((await storedLog(store)).map((event) => event.id)).toEqual([other.id]);
    });
  });

  it('refuses, storing nothing of the group, an event whose id is stored in another stream', async () => {
    await withLedger(async ({ store, worker }) => {
      const taken = noted(1);
      await store.appendToStream('subject-a', [taken]);
      expect(await commitLinked(worker, [run('subject-b', 0n, [noted(2)]), run('subject-c', 0n, [taken])])).toBe(false);
      expect((await storedLog(store)).map((event) => event.id)).toEqual([taken.id]);
    });
  });

  it('refuses a run linked onto a group that was then refused, its stream not reaching the revision before it', async () => {
    await withLedger(async ({ store, worker }) => {
      const taken = noted(1);
      await store.appendToStream('subject-other', [taken]);
      const refused = worker.commit(worker.link([run('subject-a', 0n, [noted(2), taken])])!);
      const next = worker.link([run('subject-a', 2n, [noted(3)])])!;
      expect(await refused).toBe(false);
      expect(await worker.commit(next)).toBe(false);
      expect(await store.getStreamRevision('subject-a')).toBe('no_stream');
    });
  });

  it('holds at most two groups at a time, and commits them in order', async () => {
    await withLedger(async ({ store, worker }) => {
      const first = worker.commit(worker.link([run('subject-a', 0n, [noted(1)])])!);
      const second = worker.commit(worker.link([run('subject-a', 1n, [noted(2)])])!);
      await expect(worker.commit(worker.link([run('subject-b', 0n, [noted(3)])])!)).rejects.toThrow(
        '2 groups are already being committed',
      );
      expect([await first, await second]).toEqual([true, true]);
      expect(await verifyStoredLog(store)).toMatchObject({ ok: true, eventCount: 2 });
    });
  });

  it('refuses every group sent after one it refused, even on other streams, until resumed', async () => {
    await withLedger(async ({ store, worker }) => {
      const taken = noted(1);
      await store.appendToStream('subject-other', [taken]);
      const refused = worker.commit(worker.link([run('subject-a', 0n, [taken])])!);
      const after = worker.commit(worker.link([run('subject-b', 0n, [noted(2)])])!);
      expect([await refused, await after]).toEqual([false, false]);
      expect(await store.getStreamRevision('subject-b')).toBe('no_stream');
      worker.resume();
      expect(await commitLinked(worker, [run('subject-b', 0n, [noted(3)])])).toBe(true);
    });
  });

  it('refuses to commit once stopped', async () => {
    await withLedger(async ({ worker }) => {
      const linked = worker.link([run('subject-a', 0n, [noted(1)])])!;
      await worker.stop();
      await expect(worker.commit(linked)).rejects.toThrow('the commit worker stopped');
    });
  });

  it('refuses an in-memory database, which a worker cannot share', () => {
    const db = openLedgerDatabase(':memory:');
    expect(() => startCommitWorker(db, fixedClock())).toThrow('an in-memory database cannot be shared');
    db.close();
  });
});
