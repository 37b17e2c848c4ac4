import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  isCaughtUp,
  type FoldedEvent,
  type NewEvent,
  type RecordedEvent,
  type SubscriptionItem,
} from '../../src/events/eventStore';
import { openLedgerDatabase, type Database } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';

/** Short, so that the test of appends from another connection waits little for the poll that sees them. */
const pollIntervalMs = 20;
/** How long a test waits for a subscription item before failing. */
const itemWaitMs = 2_000;

const deedRecorded = (): NewEvent => ({
  id: uuidv7(),
  type: 'DeedRecorded',
  data: { points: 5 },
  metadata: { schemaVersion: 1 },
});

const nextItemWithin = async <Event extends FoldedEvent = RecordedEvent>(
  items: AsyncIterator<SubscriptionItem<Event>>,
): Promise<SubscriptionItem<Event>> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no subscription item within ${itemWaitMs} ms`)), itemWaitMs);
  });
  try {
    const result = await Promise.race([items.next(), timeout]);
    if (result.done) throw new Error('the subscription ended');
    return result.value;
  } finally {
    clearTimeout(timer);
  }
};

describe('the SQLite ledger database', () => {
  let folder: string;
  const opened: Database[] = [];
  const open = (path: string): Database => {
    const db = openLedgerDatabase(path);
    opened.push(db);
    return db;
  };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
  });
  afterEach(() => {
    opened.splice(0).forEach((db) => db.close());
    rmSync(folder, { recursive: true, force: true });
  });

  describe('opening', () => {
    it('puts a database file in WAL mode', () => {
      expect(open(join(folder, 'ledger.db')).pragma('journal_mode', { simple: true })).toBe('wal');
    });

    it('sets synchronous to FULL', () => {
      expect(open(join(folder, 'ledger.db')).pragma('synchronous', { simple: true })).toBe(2);
    });

    it('checkpoints the WAL every 10,000 pages', () => {
      expect(open(join(folder, 'ledger.db')).pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    });

    it('waits up to 5 seconds for a busy database and enforces foreign keys', () => {
      const db = open(join(folder, 'ledger.db'));
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5_000);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    });

    it('creates the folder of a database file', () => {
      const path = join(folder, 'nested', 'deeper', 'ledger.db');
      open(path);
      expect(existsSync(path)).toBe(true);
    });

    it('sets synchronous to FULL in memory too', () => {
      expect(open(':memory:').pragma('synchronous', { simple: true })).toBe(2);
    });
  });

  describe('storing events', () => {
    it('keeps events after the file is closed and opened again', async () => {
      const path = join(folder, 'ledger.db');
      const event = deedRecorded();
      const first = openLedgerDatabase(path);
      await createSqliteEventStore({ db: first }).appendToStream('subject-1', [event]);
      first.close();
      const reopened = createSqliteEventStore({ db: open(path) });
      const [recorded] = await reopened.readStream('subject-1');
      expect(recorded.id).toBe(event.id);
      expect(await reopened.getStreamRevision('subject-1')).toBe(0n);
    });

    it('takes recordedAt from the injected clock', async () => {
      const now = new Date('2024-03-01T08:30:00.000Z');
      const store = createSqliteEventStore({ db: open(':memory:'), clock: () => now });
      await store.appendToStream('subject-1', [deedRecorded()]);
      const [recorded] = await store.readStream('subject-1');
      expect(recorded.recordedAt).toEqual(now);
    });

    it('wakes a subscription for a fold at once on its own append, and hands it only what a fold reads', async () => {
      const store = createSqliteEventStore({ db: open(':memory:'), pollIntervalMs: 60_000 });
      const subscription = store.subscribeToFold?.();
      if (!subscription) throw new Error('the SQLite store offers no subscription for a fold');
      try {
        const items = subscription[Symbol.asyncIterator]();
        expect(isCaughtUp(await nextItemWithin(items))).toBe(true);
        const { position } = await store.appendToStream('subject-1', [deedRecorded()]);
        const folded = await nextItemWithin(items);
        expect(Object.keys(folded).sort()).toEqual(['data', 'position', 'recordedAt', 'type']);
        expect(folded).toMatchObject({ type: 'DeedRecorded', data: { points: 5 }, position });
      } finally {
        await subscription.close();
      }
    });

    it('lets a subscription on a second connection see an append made through the first', async () => {
      const path = join(folder, 'ledger.db');
      const writer = createSqliteEventStore({ db: open(path) });
      const reader = createSqliteEventStore({ db: open(path), pollIntervalMs });
      const subscription = reader.subscribeToAll();
      try {
        const items = subscription[Symbol.asyncIterator]();
        expect(isCaughtUp(await nextItemWithin(items))).toBe(true);
        const event = deedRecorded();
        await writer.appendToStream('subject-1', [event]);
        expect(await nextItemWithin(items)).toMatchObject({ id: event.id, streamName: 'subject-1' });
      } finally {
        await subscription.close();
      }
    });
  });
});
