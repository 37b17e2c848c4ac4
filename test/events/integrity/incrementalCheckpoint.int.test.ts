import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { openLedgerDatabase, type Database } from '../../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../../src/events/adapters/sqliteEventStore';
import type { EventStore } from '../../../src/events/eventStore';
import { createCheckpointRecords } from '../../../src/events/integrity/checkpointRecords';
import { issueCheckpoint, issueCheckpointFrom } from '../../../src/events/integrity/logAudit';
import { createTreeAccumulator, leafHash } from '../../../src/events/integrity/merkle';
import { temporaryFolder } from '../../support/ledgerService';

/** Checkpoints that go on from the frontier kept with the previous one, instead of hashing the whole log. */

const folder = temporaryFolder();
afterAll(() => folder.remove());
const { privateKey } = generateKeyPairSync('ed25519');
const now = new Date('2026-11-26T10:00:00.000Z');

let db: Database;
let store: EventStore;
let counter = 0;

const deeds = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    id: uuidv7(),
    type: 'DeedRecorded',
    data: { points: index + 1 },
    metadata: { schemaVersion: 1 },
  }));

beforeEach(() => {
  db = openLedgerDatabase(join(folder.path, `checkpoints-${(counter += 1)}.db`));
  store = createSqliteEventStore({ db, clock: () => now });
});
afterEach(async () => {
  await store.close();
  db.close();
});

const appendTo = async (stream: string, count: number) => store.appendToStream(stream, deeds(count));

test('a checkpoint that goes on from the previous frontier signs the same tree as one over the whole log', async () => {
  await appendTo('subject-a', 5);
  await appendTo('subject-b', 6);
  const first = await issueCheckpointFrom(store, privateKey, now);
  await appendTo('subject-a', 9);
  await appendTo('subject-c', 1);

  const { checkpoint } = await issueCheckpointFrom(store, privateKey, now, first.frontier);

  const fromScratch = await issueCheckpoint(store, privateKey, now);
  expect(checkpoint).toMatchObject({ treeSize: 21, rootHash: fromScratch.rootHash });
});

test('the frontier is kept with the checkpoint and read back as it was', async () => {
  await appendTo('subject-a', 7);
  const records = createCheckpointRecords(db);
  const { checkpoint, frontier } = await issueCheckpointFrom(store, privateKey, now);

  records.save(checkpoint, frontier);

  expect(createCheckpointRecords(db).latestFrontier()).toEqual(frontier);
  expect(records.latest()).toEqual(checkpoint);
});

test('a checkpoint is refused when the log ends before the previous frontier: its tail was cut', async () => {
  await appendTo('subject-a', 4);
  const { frontier } = await issueCheckpointFrom(store, privateKey, now);
  db.prepare('DELETE FROM events WHERE position > 2').run();

  await expect(issueCheckpointFrom(store, privateKey, now, frontier)).rejects.toThrow(/cut/);
});

test('a frontier that is not one of a Merkle tree is refused', () => {
  const root = leafHash(Buffer.from('x'));
  expect(() => createTreeAccumulator({ size: 3, subtrees: [{ root, leafCount: 3 }] })).toThrow(RangeError);
  expect(() =>
    createTreeAccumulator({
      size: 3,
      subtrees: [
        { root, leafCount: 1 },
        { root, leafCount: 2 },
      ],
    }),
  ).toThrow(RangeError);
  expect(() => createTreeAccumulator({ size: 5, subtrees: [{ root, leafCount: 4 }] })).toThrow(RangeError);
});
