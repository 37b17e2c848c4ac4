import { join } from 'node:path';
import { openLedgerDatabase, type Database } from '../../src/events/adapters/sqliteDatabase';
import { groupCommitOf, groupWritesMax } from '../../src/events/adapters/sqliteGroupCommit';
import { temporaryFolder } from '../support/ledgerService';

/**
 * Group commit on a real SQLite file. A deferred foreign key is checked only at COMMIT, which makes the
 * transaction boundaries visible: a child row written before its parent commits only if both are in one
 * transaction.
 */

let folder: { path: string; remove(): void };
let db: Database;

beforeEach(() => {
  folder = temporaryFolder();
  db = openLedgerDatabase(join(folder.path, 'ledger.db'));
  db.exec(`CREATE TABLE parents (id INTEGER PRIMARY KEY);
    CREATE TABLE children (id INTEGER PRIMARY KEY,
      parent_id INTEGER NOT NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)`);
});

afterEach(() => {
  db.close();
  folder.remove();
});

const insertParent = (id: number) => () => db.prepare('INSERT INTO parents (id) VALUES (?)').run(id);
const insertChild = (id: number, parentId: number) => () =>
  db.prepare('INSERT INTO children (id, parent_id) VALUES (?, ?)').run(id, parentId);
const parentIds = (from: Database = db): number[] =>
  (from.prepare('SELECT id FROM parents ORDER BY rowid').all() as { id: number }[]).map((row) => row.id);

test('the writes asked for in one turn of the event loop commit in one transaction', async () => {
  const group = groupCommitOf(db);

  await Promise.all([group.run(insertChild(1, 7)), group.run(insertParent(7))]);

  expect(db.prepare('SELECT count(*) AS n FROM children').get()).toEqual({ n: 1 });
});

test('a write that throws is rolled back alone, and the others of its group commit', async () => {
  const group = groupCommitOf(db);

  const outcomes = await Promise.allSettled([
    group.run(insertParent(1)),
    group.run(() => {
      insertParent(2)();
      throw new Error('refused');
    }),
    group.run(insertParent(3)),
  ]);

  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(parentIds()).toEqual([1, 3]);
});

test('a write is acknowledged only once committed: another connection reads it at once', async () => {
  const other = openLedgerDatabase(join(folder.path, 'ledger.db'));
  try {
    await groupCommitOf(db).run(insertParent(5));

    expect(parentIds(other)).toEqual([5]);
  } finally {
    other.close();
  }
});

test('when the commit fails, every write of the group is rejected and none is stored', async () => {
  const group = groupCommitOf(db);

  const outcomes = await Promise.allSettled([group.run(insertParent(1)), group.run(insertChild(1, 99))]);

  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  expect(parentIds()).toEqual([]);
  expect(db.inTransaction).toBe(false);
});

test('writes run in the order they were asked for, over as many groups as the queue needs', async () => {
  const group = groupCommitOf(db);
  const ids = Array.from({ length: groupWritesMax * 2 + 5 }, (_, index) => index + 1);

  const results = await Promise.all(ids.map((id) => group.run(() => (insertParent(id)(), id))));

  expect(results).toEqual(ids);
  expect(parentIds()).toEqual(ids);
});

test("inside the caller's own transaction a write runs at once, and rolls back with that transaction", async () => {
  db.exec('BEGIN IMMEDIATE');
  const written = groupCommitOf(db).run(insertParent(4));
  expect(parentIds()).toEqual([4]);
  await written;
  db.exec('ROLLBACK');

  expect(parentIds()).toEqual([]);
});

test('every writer of one database shares its one group', () => {
  expect(groupCommitOf(db)).toBe(groupCommitOf(db));
});
