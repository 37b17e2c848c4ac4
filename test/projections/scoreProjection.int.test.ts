import { v7 as uuidv7 } from 'uuid';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import type { Database } from '../../src/events/adapters/sqliteDatabase';
import type { EventStore, RecordedEvent } from '../../src/events/eventStore';
import { subjectStream, type EntryPosted } from '../../src/events/ledgerEvents';
import { createProjectionRunner } from '../../src/projections/runner';
import { createScoreProjection } from '../../src/projections/scoreProjection';
import { evidenceOf } from '../support/ledgerService';

/** The score read model's live entries: what a score read now folds. */

const subjectId = 'r-1';
const posted = (entryId: string, occurredAt: string, effectiveUntil: string): EntryPosted => ({
  entryId,
  subjectId,
  ruleCode: 'TRF-TICKET',
  direction: 'deduction',
  points: -5,
  severity: 'minor',
  occurredAt,
  effectiveUntil,
  evidence: [evidenceOf('trafficTicket')],
  schemeVersion: 'rongcheng-2021.1',
  recordedBy: 'officer',
  authority: 'traffic-police',
});

const registration = {
  type: 'SubjectRegistered',
  data: { subjectId, kind: 'person', adultFrom: '2000-01-01', baseline: 1000, registeredBy: 'officer' },
};

const setUp = () => {
  const db = openLedgerDatabase(':memory:');
  const store = createSqliteEventStore({ db, clock: () => new Date('2026-11-26T10:00:00Z') });
  const append = (events: { type: string; data: unknown }[]) =>
    store.appendToStream(
      subjectStream(subjectId),
      events.map((event) => ({ ...event, id: uuidv7(), metadata: { schemaVersion: 1 } })),
    );
  return { db, store, append };
};

/** A runner over the score projection alone, which fails the test on any failure to fold an event. */
const runnerFor = (db: Database, store: EventStore, scores: ReturnType<typeof createScoreProjection>) =>
  createProjectionRunner({
    store,
    db,
    projections: [scores],
    onFailure: (error) => {
      throw error;
    },
  });

/**
 * The read model after `events`, folded one of two ways: all while a rebuild from zero catches up (the index by
 * entry id not built yet), or one by one once it has caught up (with the index).
 */
type Folding = 'while rebuilding from zero' | 'once caught up';
const given = async (folding: Folding, events: { type: string; data: unknown }[]) => {
  const { db, store, append } = setUp();
  const scores = createScoreProjection(db);
  const runner = runnerFor(db, store, scores);
  if (folding === 'while rebuilding from zero') {
    await append([registration, ...events]);
    runner.start();
  } else {
    await append([registration]);
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    for (const event of events) expect(await runner.waitFor((await append([event])).position, 2_000)).toBe(true);
  }
  // Every event folded: had a fold failed, the rows it left short could pass an expectation of none.
  expect(await runner.catchUp(2_000)).toBe(true);
  expect(runner.failure()).toBeUndefined();
  await runner.stop();
  return scores;
};

describe.each<Folding>(['while rebuilding from zero', 'once caught up'])(
  'the score read model, folded %s',
  (folding) => {
    it('lists the entries not reversed and not expired, oldest conduct first', async () => {
      const scores = await given(folding, [
        { type: 'EntryPosted', data: posted('later', '2026-03-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z') },
        { type: 'EntryPosted', data: posted('earlier', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z') },
      ]);
      expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['earlier', 'later']);
    });

    it('drops an entry once its expiry is recorded', async () => {
      const scores = await given(folding, [
        { type: 'EntryPosted', data: posted('old', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z') },
        { type: 'EntryPosted', data: posted('live', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z') },
        { type: 'EntryExpired', data: { subjectId, entryId: 'old', expiredAt: '2025-01-01T00:00:00.000Z' } },
      ]);
      expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['live']);
      expect(scores.subjectOfEntry('old')).toBe(subjectId);
    });

    it('drops a reversed entry and lists it again once reinstated', async () => {
      const entry = posted('ticket', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z');
      const reversed = {
        subjectId,
        entryId: 'ticket',
        reason: 'unverifiable',
        decidedBy: 'officer',
        reasons: 'no photo',
      };
      const withoutIt = await given(folding, [
        { type: 'EntryPosted', data: entry },
        { type: 'EntryReversed', data: reversed },
      ]);
      expect(withoutIt.entries(subjectId)).toEqual([]);
      // Held, and left out only because reversed.
      expect(withoutIt.subjectOfEntry('ticket')).toBe(subjectId);
      const withIt = await given(folding, [
        { type: 'EntryPosted', data: entry },
        { type: 'EntryReversed', data: reversed },
        {
          type: 'EntryReinstated',
          data: {
            subjectId,
            entryId: 'ticket',
            evidence: [evidenceOf('trafficTicket')],
            reinstatedBy: 'senior',
            reasons: 'the photo was found',
          },
        },
      ]);
      expect(withIt.entries(subjectId).map((listed) => listed.entryId)).toEqual(['ticket']);
    });

    it('ends the effect of a repaired entry when the repair is granted', async () => {
      const scores = await given(folding, [
        { type: 'EntryPosted', data: posted('ticket', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z') },
        {
          type: 'CreditRepairGranted',
          data: {
            subjectId,
            repairId: 'repair-1',
            entryId: 'ticket',
            grantedBy: 'officer',
            reasons: 'course completed',
          },
        },
      ]);
      expect(scores.entries(subjectId)).toEqual([
        expect.objectContaining({ entryId: 'ticket', endedAt: '2026-11-26T10:00:00.000Z' }),
      ]);
    });

    it('stores an entry posted twice once', async () => {
      const entry = {
        type: 'EntryPosted',
        data: posted('ticket', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'),
      };
      const scores = await given(folding, [entry, entry]);
      expect(scores.entries(subjectId).map((listed) => listed.entryId)).toEqual(['ticket']);
    });
  },
);

describe('the score read model across versions and restarts', () => {
  const ticket = posted('ticket', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z');
  const expiry = {
    type: 'EntryExpired',
    data: { subjectId, entryId: 'ticket', expiredAt: '2027-02-01T00:00:00.000Z' },
  };
  const catchUp = async (db: Database, store: EventStore) => {
    const scores = createScoreProjection(db);
    const runner = runnerFor(db, store, scores);
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    await runner.stop();
    return scores;
  };
  const indexesOf = (db: Database) =>
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'score_entries'").pluck().all();

  it('rebuilds a database whose entries were keyed by entry id (before version 3) in posting order', async () => {
    const { db, store, append } = setUp();
    db.exec(`CREATE TABLE score_entries (
      entry_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, rule_code TEXT NOT NULL, direction TEXT NOT NULL,
      points INTEGER NOT NULL, grade_cap TEXT, severity TEXT NOT NULL, occurred_at TEXT NOT NULL,
      effective_until TEXT NOT NULL, scheme_version TEXT NOT NULL,
      reversed INTEGER NOT NULL DEFAULT 0, ended_at TEXT, expired INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position TEXT NOT NULL);
      INSERT INTO projection_checkpoints VALUES ('scores', 2, '00000000000000000000');`);
    await append([registration, { type: 'EntryPosted', data: ticket }]);
    const scores = await catchUp(db, store);
    expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['ticket']);
    expect(db.prepare("SELECT pk FROM pragma_table_info('score_entries') WHERE name = 'entry_id'").pluck().get()).toBe(
      0,
    );
    expect(indexesOf(db)).toContain('score_entries_by_id');
  });

  it('goes on with the index by entry id after a rebuild from zero stopped before it caught up', async () => {
    const { db, store, append } = setUp();
    await append([registration, { type: 'EntryPosted', data: ticket }]);
    expect((await catchUp(db, store)).entries(subjectId).map((entry) => entry.entryId)).toEqual(['ticket']);
    // What a rebuild stopped half-way leaves: its rows and checkpoint, none of its read indexes.
    for (const index of indexesOf(db)) db.exec(`DROP INDEX ${index}`);
    await append([expiry]);
    const scores = await catchUp(db, store);
    expect(indexesOf(db)).toContain('score_entries_by_id');
    expect(scores.entries(subjectId)).toEqual([]);
    expect(scores.subjectOfEntry('ticket')).toBe(subjectId);
  });

  describe('folded by hand, as a rebuild from zero does before it has caught up', () => {
    const postedTwo = [
      { type: 'EntryPosted', data: posted('first', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z') },
      { type: 'EntryPosted', data: posted('second', '2026-03-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z') },
    ];
    const expiryOfFirst = {
      type: 'EntryExpired',
      data: { subjectId, entryId: 'first', expiredAt: '2027-02-01T00:00:00.000Z' },
    };
    /**
     * A projection just reset for a rebuild from zero, and the events as the store records them for its own apply:
     * the registration, the two entries posted, and the first one's expiry.
     */
    const rebuilding = async (options?: Parameters<typeof createScoreProjection>[1]) => {
      const { db, store, append } = setUp();
      await append([registration, ...postedTwo, expiryOfFirst]);
      const [registered, first, second, expired] = (await store.readStream(subjectStream(subjectId))) as [
        RecordedEvent,
        RecordedEvent,
        RecordedEvent,
        RecordedEvent,
      ];
      const scores = createScoreProjection(db, options);
      scores.reset();
      return { db, scores, registered, first, second, expired };
    };

    it('names the subject of an entry it holds in memory', async () => {
      const { scores, registered, first, second } = await rebuilding();
      for (const event of [registered, first, second]) scores.apply(event);
      expect(scores.subjectOfEntry('second')).toBe(subjectId);
      expect(scores.subjectOfEntry('unknown')).toBeUndefined();
    });

    it('builds the index by entry id at once when it holds as many entries in memory as it may', async () => {
      const { db, scores, registered, first, second, expired } = await rebuilding({ heldInMemoryMax: 2 });
      for (const event of [registered, first]) scores.apply(event);
      expect(indexesOf(db)).not.toContain('score_entries_by_id');
      scores.apply(second);
      expect(indexesOf(db)).toContain('score_entries_by_id');
      scores.apply(expired);
      expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['second']);
    });

    it('finds nothing where it remembers an entry whose insert was rolled back', async () => {
      const { db, scores, registered, first, second, expired } = await rebuilding();
      scores.apply(registered);
      const failingBatch = db.transaction(() => {
        scores.apply(first);
        throw new Error('a later event in the batch failed');
      });
      expect(failingBatch).toThrow('a later event in the batch failed');
      // The second entry takes the row the first one's rolled-back insert had.
      scores.apply(second);
      expect(scores.subjectOfEntry('first')).toBeUndefined();
      scores.apply(expired);
      expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['second']);
      scores.apply(first);
      expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['first', 'second']);
    });
  });
});
