import { v7 as uuidv7 } from 'uuid';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { accessLogStream, type AccessRecord, type SubjectRegistered } from '../../src/events/ledgerEvents';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { createAccessLogProjection } from '../../src/projections/accessLogProjection';
import { createProjectionRunner } from '../../src/projections/runner';
import { schemaRegistry } from '../../src/schemaRegistry';

const access = (subjectId: string, viewerId: string, at: string): AccessRecord => ({
  subjectId,
  viewerId,
  viewerRoles: ['auditor'],
  purpose: 'audit',
  what: 'history',
  at,
});

const setUp = () => {
  const db = openLedgerDatabase(':memory:');
  const store = withEventValidation(createSqliteEventStore({ db }), schemaRegistry());
  const accessLog = createAccessLogProjection(db);
  const runner = createProjectionRunner({
    store,
    db,
    projections: [accessLog],
    onFailure: (error) => {
      throw error;
    },
  });
  const appendBatch = (records: AccessRecord[]) =>
    store.appendToStream(accessLogStream, [
      { id: uuidv7(), type: 'RecordsAccessed', data: { records }, metadata: { schemaVersion: 1 } },
    ]);
  /** Applies everything appended so far. */
  const project = async () => {
    runner.start();
    expect(await runner.catchUp(2_000)).toBe(true);
    await runner.stop();
  };
  return { db, store, accessLog, runner, appendBatch, project };
};

const chen = (subjectId: string, at: string) => access(subjectId, 'auditor-chen', at);
const zhou = (subjectId: string, at: string) => access(subjectId, 'auditor-zhou', at);

describe('the access log projection', () => {
  it('lists the reads of one subject’s data, oldest first, across batches', async () => {
    const { accessLog, appendBatch, project } = setUp();
    await appendBatch([chen('wang', '2026-01-01T00:00:00.000Z'), chen('li', '2026-01-01T00:00:01.000Z')]);
    await appendBatch([zhou('wang', '2026-01-02T00:00:00.000Z')]);
    await project();
    expect(accessLog.forSubject('wang', { limit: 10 })).toEqual({
      items: [chen('wang', '2026-01-01T00:00:00.000Z'), zhou('wang', '2026-01-02T00:00:00.000Z')],
      next: null,
    });
  });

  it('pages within a batch and across batches, ending with no next page', async () => {
    const { accessLog, appendBatch, project } = setUp();
    const reads = ['01', '02', '03', '04', '05'].map((day) => chen('wang', `2026-01-${day}T00:00:00.000Z`));
    await appendBatch(reads.slice(0, 3));
    await appendBatch(reads.slice(3));
    await project();
    const first = accessLog.forSubject('wang', { limit: 2 });
    const second = accessLog.forSubject('wang', { limit: 2, after: first.next ?? undefined });
    const third = accessLog.forSubject('wang', { limit: 2, after: second.next ?? undefined });
    expect([...first.items, ...second.items, ...third.items]).toEqual(reads);
    expect(third.next).toBeNull();
  });

  it('lists what one viewer has read, of every subject', async () => {
    const { accessLog, appendBatch, project } = setUp();
    await appendBatch([chen('wang', '2026-01-01T00:00:00.000Z'), zhou('li', '2026-01-01T00:00:01.000Z')]);
    await appendBatch([chen('li', '2026-01-02T00:00:00.000Z')]);
    await project();
    expect(accessLog.byViewer('auditor-chen', { limit: 10 }).items).toEqual([
      chen('wang', '2026-01-01T00:00:00.000Z'),
      chen('li', '2026-01-02T00:00:00.000Z'),
    ]);
  });

  it('narrows a viewer’s reads to one subject', async () => {
    const { accessLog, appendBatch, project } = setUp();
    await appendBatch([chen('wang', '2026-01-01T00:00:00.000Z'), chen('li', '2026-01-01T00:00:01.000Z')]);
    await project();
    expect(accessLog.byViewer('auditor-chen', { limit: 10, subjectId: 'li' }).items).toEqual([
      chen('li', '2026-01-01T00:00:01.000Z'),
    ]);
  });

  it('pages a viewer’s reads by the same cursor', async () => {
    const { accessLog, appendBatch, project } = setUp();
    await appendBatch([chen('wang', '2026-01-01T00:00:00.000Z'), chen('li', '2026-01-01T00:00:01.000Z')]);
    await project();
    const first = accessLog.byViewer('auditor-chen', { limit: 1 });
    const second = accessLog.byViewer('auditor-chen', { limit: 1, after: first.next ?? undefined });
    expect([first.items, second.items, second.next]).toEqual([
      [chen('wang', '2026-01-01T00:00:00.000Z')],
      [chen('li', '2026-01-01T00:00:01.000Z')],
      null,
    ]);
  });

  it('ignores the other events of the log', async () => {
    const { store, accessLog, project } = setUp();
    const registered: SubjectRegistered = {
      subjectId: 'wang',
      kind: 'organization',
      baseline: 1000,
      registeredBy: 'x',
    };
    await store.appendToStream('subject-wang', [
      { id: uuidv7(), type: 'SubjectRegistered', data: registered, metadata: { schemaVersion: 1 } },
    ]);
    await project();
    expect(accessLog.forSubject('wang', { limit: 10 }).items).toEqual([]);
  });

  it('keeps a batch once when the same event is applied again', async () => {
    const { store, accessLog, appendBatch, project } = setUp();
    await appendBatch([chen('wang', '2026-01-01T00:00:00.000Z')]);
    await project();
    const [event] = await store.readStream(accessLogStream);
    expect(accessLog.forSubject('wang', { limit: 10 }).items).toHaveLength(1);
    accessLog.apply(event as NonNullable<typeof event>);
    expect(accessLog.forSubject('wang', { limit: 10 }).items).toHaveLength(1);
  });

  it('rebuilds from zero to the same log', async () => {
    const { db, runner, appendBatch, project } = setUp();
    await appendBatch([chen('wang', '2026-01-01T00:00:00.000Z'), zhou('li', '2026-01-01T00:00:01.000Z')]);
    await project();
    const dump = () => db.prepare('SELECT * FROM access_log ORDER BY position, record_index').all();
    const built = dump();
    expect(built).toHaveLength(2);
    runner.reset();
    expect(dump()).toEqual([]);
    await project();
    expect(dump()).toEqual(built);
  });
});
