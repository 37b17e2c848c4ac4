import { catchUpFully } from '../../src/cli/startup';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { subjectStream } from '../../src/events/ledgerEvents';
import { createProjectionRunner } from '../../src/projections/runner';
import { createScoreProjection } from '../../src/projections/scoreProjection';

describe('a command starting on the ledger', () => {
  it('waits for the projections however long they take, saying how far they are, and acts only once caught up', async () => {
    const db = openLedgerDatabase(':memory:');
    const store = createSqliteEventStore({ db, clock: () => new Date('2026-11-26T10:00:00Z') });
    const { position: head } = await store.appendToStream(subjectStream('a'), [
      {
        id: '01890000-0000-7000-8000-000000000001',
        type: 'SubjectRegistered',
        data: { subjectId: 'a', kind: 'person', adultFrom: '2000-01-01', baseline: 1000, registeredBy: 'clerk' },
        metadata: { schemaVersion: 1 },
      },
    ]);
    const runner = createProjectionRunner({
      store,
      db,
      projections: [createScoreProjection(db)],
      onFailure: (error) => {
        throw error;
      },
    });
    // Not started yet: the first waits find it behind, as a long rebuild would.
    const reported: string[] = [];
    await catchUpFully(
      runner,
      (position) => {
        reported.push(position);
        if (reported.length === 2) runner.start();
      },
      20,
    );
    expect(reported).toHaveLength(2);
    expect(runner.position()).toBe(head);
    await runner.stop();
  });

  it('stops waiting, with their error, once the projections have failed', async () => {
    const db = openLedgerDatabase(':memory:');
    const store = createSqliteEventStore({ db, clock: () => new Date('2026-11-26T10:00:00Z') });
    await store.appendToStream(subjectStream('a'), [
      {
        id: '01890000-0000-7000-8000-000000000001',
        type: 'SubjectRegistered',
        data: { subjectId: 'a', kind: 'person', adultFrom: '2000-01-01', baseline: 1000, registeredBy: 'clerk' },
        metadata: { schemaVersion: 1 },
      },
    ]);
    db.prepare('UPDATE events SET data = \'{"broken":\' WHERE position = 1').run();
    const runner = createProjectionRunner({
      store,
      db,
      projections: [createScoreProjection(db)],
      onFailure: () => undefined,
    });
    runner.start();
    const reported: string[] = [];
    await expect(catchUpFully(runner, (position) => reported.push(position), 20)).rejects.toThrow(
      /^the projections failed while catching up with the log: /,
    );
    expect(reported).toEqual([]);
    await runner.stop();
  });
});
