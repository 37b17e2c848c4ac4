import { join } from 'node:path';
import { openLedgerDatabase, type Database } from '../../src/events/adapters/sqliteDatabase';
import { GroupRolledBackError, groupCommitOf, groupWritesMax } from '../../src/events/adapters/sqliteGroupCommit';
import { temporaryFolder } from '../support/ledgerService';

/**
 * Group commit on a real SQLite file. A deferred foreign key is checked only at COMMIT, which makes the
 * transaction boundaries visible: a child row written before its parent commits only if both are in one
 * transaction.
 *
 * A full database (PRAGMA max_page_count just above the file's size) is an error after which SQLite rolls back
 * the whole transaction, not just the statement: a row too big for the pages left fills it.
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

const fillAlmost = (): void => {
  db.exec('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 4}`);
};
const unlimited = (): void => void db.pragma('max_page_count = 4294967294');
/** A row far bigger than the few pages fillAlmost leaves. */
const insertNote = (id: number, bytes: number) => () =>
  db.prepare('INSERT INTO notes (id, body) VALUES (?, ?)').run(id, Buffer.alloc(bytes));
const noteIds = (): number[] =>
  (db.prepare('SELECT id FROM notes ORDER BY id').all() as { id: number }[]).map((row) => row.id);

test("a write whose error rolls back the group's transaction (a full database) fails the whole group: nothing is stored, and each caller is told why", async () => {
  const group = groupCommitOf(db);
  fillAlmost();
  const asked: number[] = [];

  const outcomes = await Promise.allSettled([
    group.run(() => (asked.push(1), insertParent(1)())),
    group.run(() => (asked.push(2), insertNote(2, 200_000)())),
    group.run(() => (asked.push(3), insertParent(3)())),
  ]);

  const reasons = outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error) : undefined));
  expect(reasons[1]).toMatchObject({ code: 'SQLITE_FULL' });
  for (const other of [reasons[0], reasons[2]]) {
    expect(other).toBeInstanceOf(GroupRolledBackError);
    expect(other?.cause).toBe(reasons[1]);
    expect(other?.message).toContain(reasons[1]?.message);
  }
  expect(asked).toEqual([1, 2]);
  expect(db.inTransaction).toBe(false);
  unlimited();
  expect(parentIds()).toEqual([]);
  expect(noteIds()).toEqual([]);
});

test('after a group rolled back by a full database, the next group commits normally: its callers can ask again', async () => {
  const group = groupCommitOf(db);
  fillAlmost();
  const writes = () => [group.run(insertParent(1)), group.run(insertNote(2, 200_000)), group.run(insertParent(3))];
  await Promise.allSettled(writes());
  unlimited();

  const outcomes = await Promise.allSettled(writes());

  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  expect(parentIds()).toEqual([1, 3]);
  expect(noteIds()).toEqual([2]);
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

test("inside the caller's own transaction, a write whose error rolls that transaction back gets its own error, and nothing of the transaction is stored", async () => {
  const group = groupCommitOf(db);
  fillAlmost();
  db.exec('BEGIN IMMEDIATE');
  await group.run(insertParent(4));

  await expect(group.run(insertNote(5, 200_000))).rejects.toMatchObject({ code: 'SQLITE_FULL' });

  expect(db.inTransaction).toBe(false);
  unlimited();
  expect(parentIds()).toEqual([]);
  expect(noteIds()).toEqual([]);
});

test('every writer of one database shares its one group', () => {
  expect(groupCommitOf(db)).toBe(groupCommitOf(db));
});
