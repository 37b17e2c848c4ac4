import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { groupCommitOf } from '../../src/events/adapters/sqliteGroupCommit';
import type { EventStore } from '../../src/events/eventStore';
import { subjectStream, type EntryPosted, type SubjectRegistered } from '../../src/events/ledgerEvents';
import type { Projection } from '../../src/projections/projection';
import { createProjectionRunner } from '../../src/projections/runner';
import { createScoreProjection } from '../../src/projections/scoreProjection';
import { evidenceOf } from '../support/ledgerService';
import { v7 as uuidv7 } from 'uuid';

const registered = (subjectId: string): SubjectRegistered => ({
  subjectId,
  kind: 'person',
  adultFrom: '2000-01-01',
  baseline: 1000,
  registeredBy: 'officer',
});
const posted = (subjectId: string, points: number, occurredAt: string): EntryPosted => ({
  entryId: uuidv7(),
  subjectId,
  ruleCode: points < 0 ? 'TRF-TICKET' : 'VOL-PROJECT',
  direction: points < 0 ? 'deduction' : 'addition',
  points,
  severity: 'minor',
  occurredAt,
  effectiveUntil: '2030-01-01T00:00:00.000Z',
  evidence: [evidenceOf('trafficTicket')],
  schemeVersion: 'rongcheng-2021.1',
  recordedBy: 'officer',
  authority: 'traffic-police',
});

/** PRAGMA synchronous as SQLite reports it. */
const synchronousNormal = 1;
const synchronousFull = 2;

const append = (store: EventStore, subjectId: string, events: { type: string; data: unknown }[]) =>
  store.appendToStream(
    subjectStream(subjectId),
    events.map((event) => ({ ...event, id: uuidv7(), metadata: { schemaVersion: 1 } })),
  );

/** A second projection beside the scores: how many registrations and postings each subject has. */
const createSubjectCounts = (db: ReturnType<typeof openLedgerDatabase>) => {
  db.exec('CREATE TABLE IF NOT EXISTS subject_counts (subject TEXT PRIMARY KEY, events INTEGER NOT NULL)');
  const bump = db.prepare(
    'INSERT INTO subject_counts (subject, events) VALUES (?, 1) ON CONFLICT (subject) DO UPDATE SET events = events + 1',
  );
  const select = db.prepare('SELECT events FROM subject_counts WHERE subject = ?');
  const readIndexes = [{ name: 'subject_counts_by_events', on: 'subject_counts (events)' }];
  const indexed = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'subject_counts_by_events'").pluck();
  /** Whether the read index was there as each event was applied, and when it was told a rebuild was done. */
  const appliedWithIndex: boolean[] = [];
  const rebuiltWithIndex: boolean[] = [];
  /** The connection's synchronous setting as each event was applied (1 NORMAL, 2 FULL). */
  const appliedAtSynchronous: number[] = [];
  const projection: Projection & {
    eventsIn(subjectId: string): number;
    appliedWithIndex: boolean[];
    rebuiltWithIndex: boolean[];
    appliedAtSynchronous: number[];
  } = {
    name: 'subjectCounts',
    version: 1,
    eventTypes: ['SubjectRegistered', 'EntryPosted'],
    readIndexes,
    reset: () => db.exec('DELETE FROM subject_counts'),
    rebuilt: () => rebuiltWithIndex.push(indexed.get() === 1),
    apply: (event) => {
      appliedWithIndex.push(indexed.get() === 1);
      appliedAtSynchronous.push(db.pragma('synchronous', { simple: true }) as number);
      bump.run((event.data as { subjectId: string }).subjectId);
    },
    eventsIn: (subjectId) => (select.get(subjectId) as { events: number } | undefined)?.events ?? 0,
    appliedWithIndex,
    rebuiltWithIndex,
    appliedAtSynchronous,
  };
  return projection;
};

const setUp = () => {
  const db = openLedgerDatabase(':memory:');
  const store = createSqliteEventStore({ db, clock: () => new Date('2026-11-26T10:00:00Z') });
  const scores = createScoreProjection(db);
  const counts = createSubjectCounts(db);
  const failures: unknown[] = [];
  const runner = createProjectionRunner({
    store,
    db,
    projections: [scores, counts],
    onFailure: (error) => failures.push(error),
  });
  const dump = () => ({
    subjects: db.prepare('SELECT * FROM score_subjects ORDER BY subject_id').all(),
    entries: db.prepare('SELECT * FROM score_entries ORDER BY entry_id').all(),
    counts: db.prepare('SELECT * FROM subject_counts ORDER BY subject').all(),
  });
  return { db, store, scores, counts, runner, dump, failures };
};

describe('the projection runner', () => {
  it('applies history and live events to every projection', async () => {
    const { store, scores, counts, runner, failures } = setUp();
    await append(store, 'a', [{ type: 'SubjectRegistered', data: registered('a') }]);
    runner.start();
    const live = await append(store, 'a', [{ type: 'EntryPosted', data: posted('a', -5, '2026-01-01T00:00:00.000Z') }]);
    expect(await runner.waitFor(live.position, 2_000)).toBe(true);
    expect(scores.subject('a')?.baseline).toBe(1000);
    expect(scores.entries('a').map((entry) => entry.points)).toEqual([-5]);
    expect(counts.eventsIn('a')).toBe(2);
    expect(failures).toEqual([]);
    await runner.stop();
  });

  it('hands each projection only the event types it folds', async () => {
    const { store, counts, runner } = setUp();
    const result = await append(store, 'a', [
      { type: 'SubjectRegistered', data: registered('a') },
      { type: 'SubjectNotified', data: { subjectId: 'a', entryId: uuidv7(), notice: 'entryPosted' } },
    ]);
    runner.start();
    expect(await runner.waitFor(result.position, 2_000)).toBe(true);
    expect(counts.eventsIn('a')).toBe(1);
    await runner.stop();
  });

  it('reaches the end of the log when its last events are folded by no projection', async () => {
    const { db, store, runner } = setUp();
    await append(store, 'a', [{ type: 'SubjectRegistered', data: registered('a') }]);
    const notice = await append(store, 'a', [
      { type: 'SubjectNotified', data: { subjectId: 'a', entryId: uuidv7(), notice: 'entryPosted' } },
    ]);
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    expect(runner.position()).toBe(notice.position);
    await runner.stop();
    expect(db.prepare('SELECT DISTINCT position FROM projection_checkpoints').all()).toEqual([
      { position: notice.position },
    ]);
  });

  it('saves its checkpoint with each batch', async () => {
    const { db, store, runner } = setUp();
    const result = await append(store, 'a', [{ type: 'SubjectRegistered', data: registered('a') }]);
    runner.start();
    expect(await runner.waitFor(result.position, 2_000)).toBe(true);
    await runner.stop();
    expect(db.prepare('SELECT name, position FROM projection_checkpoints ORDER BY name').all()).toEqual([
      { name: 'scores', position: result.position },
      { name: 'subjectCounts', position: result.position },
    ]);
  });

  it('rebuilds from zero to the identical result', async () => {
    const { store, runner, dump, failures } = setUp();
    for (const subjectId of ['a', 'b', 'c']) {
      await append(store, subjectId, [
        { type: 'SubjectRegistered', data: registered(subjectId) },
        { type: 'EntryPosted', data: posted(subjectId, -10, '2026-02-01T00:00:00.000Z') },
        { type: 'EntryPosted', data: posted(subjectId, 2, '2026-03-01T00:00:00.000Z') },
      ]);
    }
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    const built = dump();
    // Three subjects, each registered with two entries: what the rebuild must come back to.
    expect([built.subjects.length, built.entries.length, built.counts]).toEqual([
      3,
      6,
      ['a', 'b', 'c'].map((subject) => ({ subject, events: 3 })),
    ]);
    await runner.stop();
    runner.reset();
    expect(dump()).toEqual({ subjects: [], entries: [], counts: [] });
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    expect(dump()).toEqual(built);
    expect(failures).toEqual([]);
    await runner.stop();
  });

  it('rebuilds from zero without the read indexes, builds them once it has caught up, then says it is rebuilt', async () => {
    const { db, store, runner, counts } = setUp();
    await append(store, 'a', [
      { type: 'SubjectRegistered', data: registered('a') },
      { type: 'EntryPosted', data: posted('a', -10, '2026-02-01T00:00:00.000Z') },
    ]);
    runner.reset();
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    expect(counts.appliedWithIndex).toEqual([false, false]);
    expect(counts.rebuiltWithIndex).toEqual([true]);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").pluck().all();
    expect(indexes).toEqual(
      expect.arrayContaining(['subject_counts_by_events', 'score_entries_by_expiry', 'score_entries_live_by_subject']),
    );
    await runner.stop();
  });

  it('keeps the read indexes of a projection that goes on from its checkpoint', async () => {
    const { db, store, runner } = setUp();
    await append(store, 'a', [{ type: 'SubjectRegistered', data: registered('a') }]);
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    await runner.stop();
    const counts = createSubjectCounts(db);
    const rerun = createProjectionRunner({
      store,
      db,
      projections: [createScoreProjection(db), counts],
      onFailure: () => undefined,
    });
    await append(store, 'a', [{ type: 'EntryPosted', data: posted('a', -10, '2026-02-01T00:00:00.000Z') }]);
    rerun.start();
    expect(await rerun.catchUp(2_000)).toBe(true);
    expect(counts.appliedWithIndex).toEqual([true]);
    expect(counts.rebuiltWithIndex).toEqual([]);
    await rerun.stop();
  });

  it('applies an event only once when the same batch is offered again', async () => {
    const { store, scores, runner } = setUp();
    const result = await append(store, 'a', [
      { type: 'SubjectRegistered', data: registered('a') },
      { type: 'EntryPosted', data: posted('a', -5, '2026-01-01T00:00:00.000Z') },
    ]);
    runner.start();
    expect(await runner.waitFor(result.position, 2_000)).toBe(true);
    const [event] = await store.readStream(subjectStream('a'), { fromRevision: 1n });
    expect(event?.type).toBe('EntryPosted');
    expect(scores.entries('a')).toHaveLength(1);
    scores.apply(event as NonNullable<typeof event>);
    expect(scores.entries('a')).toHaveLength(1);
    await runner.stop();
  });

  /** One subject folded, then the counts projection's saved version changed, and a second runner made on it. */
  const versionChanged = async () => {
    const { db, store, runner } = setUp();
    const result = await append(store, 'a', [{ type: 'SubjectRegistered', data: registered('a') }]);
    runner.start();
    expect(await runner.waitFor(result.position, 2_000)).toBe(true);
    await runner.stop();
    db.prepare("UPDATE projection_checkpoints SET version = 0 WHERE name = 'subjectCounts'").run();
    const rerun = createProjectionRunner({
      store,
      db,
      projections: [createScoreProjection(db), createSubjectCounts(db)],
      onFailure: () => undefined,
    });
    return { db, rerun, position: result.position };
  };

  it('rebuilds a projection whose version changed', async () => {
    const { db, rerun, position } = await versionChanged();
    db.prepare('DELETE FROM subject_counts').run();
    rerun.start();
    expect(await rerun.waitFor(position, 2_000)).toBe(true);
    expect(db.prepare('SELECT events FROM subject_counts').all()).toEqual([{ events: 1 }]);
    await rerun.stop();
  });

  it('leaves a projection of another version as it is until started: a command not following the projections', async () => {
    const { db, rerun } = await versionChanged();
    expect(db.prepare('SELECT events FROM subject_counts').all()).toEqual([{ events: 1 }]);
    await rerun.stop();
    expect(db.prepare('SELECT version FROM projection_checkpoints WHERE name = ?').pluck().get('subjectCounts')).toBe(
      0,
    );
  });

  it('stops and reports when a projection fails, rather than skipping the event', async () => {
    const { db, store, runner, failures } = setUp();
    runner.position(); // its checkpoints loaded (and the fresh projections reset) before the table goes
    db.exec('DROP TABLE score_entries');
    await append(store, 'a', [
      { type: 'SubjectRegistered', data: registered('a') },
      { type: 'EntryPosted', data: posted('a', -5, '2026-01-01T00:00:00.000Z') },
    ]);
    runner.start();
    expect(await runner.catchUp(300)).toBe(false);
    expect(failures).toHaveLength(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(synchronousFull);
    await runner.stop();
  });

  it('commits the projections without waiting for the disk, and leaves the appends to the log durable', async () => {
    const { db, store, counts, runner } = setUp();
    await append(store, 'a', [{ type: 'SubjectRegistered', data: registered('a') }]);
    runner.start();
    const live = await append(store, 'a', [{ type: 'EntryPosted', data: posted('a', -5, '2026-01-01T00:00:00.000Z') }]);
    expect(await runner.waitFor(live.position, 2_000)).toBe(true);
    expect(counts.appliedAtSynchronous).toEqual([synchronousNormal, synchronousNormal]);
    const synchronousOfNextAppend = await groupCommitOf(db).run(() => db.pragma('synchronous', { simple: true }));
    expect(synchronousOfNextAppend).toBe(synchronousFull);
    await runner.stop();
  });
});
