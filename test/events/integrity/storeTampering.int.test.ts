import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { openLedgerDatabase, type Database } from '../../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../../src/events/adapters/sqliteEventStore';
import type { EventStore } from '../../../src/events/eventStore';
import { verifyCheckpoint } from '../../../src/events/integrity/checkpoint';
import {
  issueCheckpoint,
  proveConsistency,
  proveInclusion,
  verifyStoredLog,
} from '../../../src/events/integrity/logAudit';
import { leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../../src/events/integrity/merkle';
import { eventDigest, genesisHash, merkleLeafOf } from '../../../src/events/integrity/eventHash';
import { canonicalJson } from '../../../src/events/canonicalJson';
import { temporaryFolder } from '../../support/ledgerService';

/**
 * Tampering with the SQLite file behind the ledger's back: every kind is detected, and the first bad
 * position is named.
 */

const folder = temporaryFolder();
afterAll(() => folder.remove());
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const now = new Date('2026-11-26T10:00:00.000Z');

let db: Database;
let store: EventStore;
let counter = 0;

const deed = (points: number) => ({
  id: uuidv7(),
  type: 'DeedRecorded',
  data: { points, note: '小区清扫' },
  metadata: { schemaVersion: 1 },
});

beforeEach(async () => {
  db = openLedgerDatabase(join(folder.path, `tamper-${(counter += 1)}.db`));
  store = createSqliteEventStore({ db, clock: () => now });
  for (const stream of ['subject-a', 'subject-b', 'subject-c']) {
    await store.appendToStream(stream, [deed(1), deed(2), deed(3)], { expectedRevision: 'no_stream' });
  }
});
afterEach(async () => {
  await store.close();
  db.close();
});

/** Positions run 1..9: subject-a holds 1-3, subject-b 4-6, subject-c 7-9. */
const rowAt = (position: number) =>
  db.prepare('SELECT * FROM events WHERE position = ?').get(position) as Record<string, unknown>;

describe('the stored log', () => {
  it('verifies when untouched', async () => {
    expect(await verifyStoredLog(store)).toEqual({ ok: true, eventCount: 9 });
  });

  it('names an edited byte', async () => {
    db.prepare('UPDATE events SET data = replace(data, \'"points":2\', \'"points":9\') WHERE position = 5').run();
    expect(await verifyStoredLog(store)).toMatchObject({
      ok: false,
      position: '00000000000000000005',
      reason: 'hash-mismatch',
    });
  });

  it('names an edit that changes only white space in the stored data', async () => {
    db.prepare("UPDATE events SET data = replace(data, ',', ', ') WHERE position = 5").run();
    expect(await verifyStoredLog(store)).toMatchObject({ position: '00000000000000000005', reason: 'hash-mismatch' });
  });

  it('names an edit of the stored time that keeps the instant but not its text', async () => {
    db.prepare("UPDATE events SET recorded_at = '2026-11-26T10:00:00Z' WHERE position = 2").run();
    expect(await verifyStoredLog(store)).toMatchObject({ position: '00000000000000000002', reason: 'hash-mismatch' });
  });

  it('verifies events stored before data was kept as canonical JSON (as JSON.stringify wrote it)', async () => {
    const earlier = { stream: 'subject-d', id: uuidv7(), data: { points: 4, note: 'later key first' } };
    const metadata = { schemaVersion: 1 };
    const hash = eventDigest(
      {
        streamName: earlier.stream,
        revision: 0n,
        id: earlier.id,
        type: 'DeedRecorded',
        data: earlier.data,
        metadata,
        recordedAt: now,
      },
      genesisHash,
    );
    db.prepare(
      'INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at, hash) VALUES (?, 0, ?, ?, ?, ?, ?, ?)',
    ).run(
      earlier.stream,
      earlier.id,
      'DeedRecorded',
      JSON.stringify(earlier.data),
      JSON.stringify(metadata),
      now.toISOString(),
      hash,
    );
    expect(JSON.stringify(earlier.data)).not.toBe(canonicalJson(earlier.data));
    expect(await verifyStoredLog(store)).toEqual({ ok: true, eventCount: 10 });
  });

  it('names an event inserted into a stream', async () => {
    db.prepare('UPDATE events SET revision = 3 WHERE stream_name = ? AND revision = 2').run('subject-b');
    db.prepare('UPDATE events SET revision = 2 WHERE stream_name = ? AND revision = 1').run('subject-b');
    const forged = rowAt(5);
    db.prepare(
      'INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at, hash) VALUES (?, 1, ?, ?, ?, ?, ?, ?)',
    ).run('subject-b', uuidv7(), forged.type, forged.data, forged.metadata, forged.recorded_at, forged.hash);
    expect(await verifyStoredLog(store)).toMatchObject({
      ok: false,
      position: '00000000000000000005',
      reason: 'revision-out-of-sequence',
    });
  });

  it('names the event after a deleted one', async () => {
    db.prepare('DELETE FROM events WHERE position = 5').run();
    expect(await verifyStoredLog(store)).toMatchObject({
      ok: false,
      position: '00000000000000000006',
      reason: 'revision-out-of-sequence',
    });
  });

  it('names a reordered event', async () => {
    db.prepare('UPDATE events SET position = 100 WHERE position = 4').run();
    db.prepare('UPDATE events SET position = 4 WHERE position = 5').run();
    db.prepare('UPDATE events SET position = 5 WHERE position = 100').run();
    expect(await verifyStoredLog(store)).toMatchObject({
      ok: false,
      position: '00000000000000000004',
      reason: 'revision-out-of-sequence',
    });
  });

  it('detects a truncated tail against a checkpoint saved elsewhere', async () => {
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    expect(verifyCheckpoint(checkpoint, publicKey)).toBe(true);
    db.prepare('DELETE FROM events WHERE position >= 8').run();
    expect(await verifyStoredLog(store)).toEqual({ ok: true, eventCount: 7 });
    expect(await verifyStoredLog(store, checkpoint)).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('detects a stream rewritten with recomputed hashes against a checkpoint', async () => {
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    db.prepare('DELETE FROM events WHERE stream_name = ?').run('subject-c');
    db.prepare('DELETE FROM streams WHERE stream_name = ?').run('subject-c');
    await store.appendToStream('subject-c', [deed(7), deed(8), deed(9)], { expectedRevision: 'no_stream' });
    expect(await verifyStoredLog(store)).toMatchObject({ ok: true });
    expect(await verifyStoredLog(store, checkpoint)).toMatchObject({ ok: false, reason: 'root-mismatch' });
  });

  it('accepts a log that has grown since the checkpoint', async () => {
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    await store.appendToStream('subject-a', [deed(4)], { expectedRevision: 2n });
    expect(await verifyStoredLog(store, checkpoint)).toEqual({ ok: true, eventCount: 10 });
  });
});

describe('a log longer than a run of the tree (its runs hashed on a worker thread)', () => {
  const appendDeeds = async (stream: string, count: number): Promise<void> => {
    for (let done = 0; done < count; done += 100) {
      const batch = Array.from({ length: Math.min(100, count - done) }, () => deed(1));
      await store.appendToStream(stream, batch, { expectedRevision: done === 0 ? 'no_stream' : BigInt(done - 1) });
    }
  };
  const leafByLeafRoot = async (): Promise<string> => {
    const events = await store.readAll({ maxCount: 10_000 });
    return rootOf(events.map((event) => leafHash(merkleLeafOf(event, event.hash!)))).toString('hex');
  };

  it('signs the root of the tree built leaf by leaf, and verifies against it', async () => {
    await appendDeeds('subject-d', 1_500);
    await appendDeeds('subject-e', 1_100);
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    expect(checkpoint.treeSize).toBe(2_609);
    expect(checkpoint.rootHash).toBe(await leafByLeafRoot());
    expect(await verifyStoredLog(store, checkpoint)).toEqual({ ok: true, eventCount: 2_609 });
  });

  it('detects a stream rewritten with recomputed hashes in a later run', async () => {
    await appendDeeds('subject-d', 1_500);
    await appendDeeds('subject-e', 1_100);
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    db.prepare('DELETE FROM events WHERE stream_name = ?').run('subject-e');
    db.prepare('DELETE FROM streams WHERE stream_name = ?').run('subject-e');
    await appendDeeds('subject-e', 1_100);
    expect(await verifyStoredLog(store)).toMatchObject({ ok: true });
    expect(await verifyStoredLog(store, checkpoint)).toMatchObject({ ok: false, reason: 'root-mismatch' });
  });
});

describe('proofs an outside auditor can check', () => {
  it('show an event included in a signed tree', async () => {
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    const answer = await proveInclusion(store, '00000000000000000005', checkpoint.treeSize);
    const [event] = await store.readAll({ after: '00000000000000000004', maxCount: 1 });
    expect(answer.rootHash).toBe(checkpoint.rootHash);
    expect(answer.leafHash).toBe(leafHash(merkleLeafOf(event!, event!.hash!)).toString('hex'));
    expect(
      verifyInclusion({
        leafHash: Buffer.from(answer.leafHash, 'hex'),
        index: answer.leafIndex,
        treeSize: answer.treeSize,
        proof: answer.proof.map((hash) => Buffer.from(hash, 'hex')),
        root: Buffer.from(checkpoint.rootHash, 'hex'),
      }),
    ).toBe(true);
  });

  it('show an older tree is a prefix of a newer one', async () => {
    const older = await issueCheckpoint(store, privateKey, now);
    await store.appendToStream('subject-d', [deed(1), deed(2)], { expectedRevision: 'no_stream' });
    const newer = await issueCheckpoint(store, privateKey, now);
    const answer = await proveConsistency(store, older.treeSize, newer.treeSize);
    expect(
      verifyConsistency({
        oldSize: older.treeSize,
        newSize: newer.treeSize,
        oldRoot: Buffer.from(older.rootHash, 'hex'),
        newRoot: Buffer.from(newer.rootHash, 'hex'),
        proof: answer.proof.map((hash) => Buffer.from(hash, 'hex')),
      }),
    ).toBe(true);
  });
});
