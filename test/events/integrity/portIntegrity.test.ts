import { generateKeyPairSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { createEsdbEventStore } from '../../../src/events/adapters/esdbEventStore';
import { createInMemoryEventStore } from '../../../src/events/adapters/inMemoryEventStore';
import type { EventStore, NewEvent, RecordedEvent } from '../../../src/events/eventStore';
import { verifyCheckpoint } from '../../../src/events/integrity/checkpoint';
import { eventDigest, genesisHash } from '../../../src/events/integrity/eventHash';
import {
  issueCheckpoint,
  proveConsistency,
  proveInclusion,
  verifyStoredLog,
} from '../../../src/events/integrity/logAudit';
import { verifyConsistency, verifyInclusion } from '../../../src/events/integrity/merkle';
import { createFakeEsdbClient } from '../../contract/fakeEsdbClient';

/**
 * The auditor's tools (verify, checkpoint, inclusion and consistency proofs: what `ledger verify`, `ledger checkpoint`
 * and the /v1 integrity routes call) work through the port alone, on adapters other than SQLite.
 */

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const now = new Date('2026-11-26T10:00:00.000Z');

const deed = (points: number): NewEvent => ({
  id: uuidv7(),
  type: 'DeedRecorded',
  data: { points, note: '小区清扫' },
  metadata: { schemaVersion: 1, actorId: 'official-1' },
});

const adapters: [string, () => EventStore][] = [
  ['in-memory', () => createInMemoryEventStore({ clock: () => now })],
  ['EventStoreDB (on a fake server)', () => createEsdbEventStore({ client: createFakeEsdbClient(), clock: () => now })],
];

/** The store's reads, without the stored-text one (readAllStored), so that the wrappers below alter what is read. */
const readsOf = ({ readAllStored: _stored, ...store }: EventStore): EventStore => store;

/** A store whose reads give one event with other data than was appended, as a tampered copy of the log would. */
const alteringDataOf = (store: EventStore, eventId: string): EventStore => {
  const alter = (event: RecordedEvent): RecordedEvent =>
    event.id === eventId ? { ...event, data: { ...(event.data as object), points: 9 } } : event;
  return {
    ...readsOf(store),
    readAll: async (options) => (await store.readAll(options)).map(alter),
    readStream: async (stream, options) => (await store.readStream(stream, options)).map(alter),
  };
};

/**
 * A store whose log has one event's data altered and every later hash of its stream recomputed, so that every chain
 * still verifies: only a checkpoint issued before exposes it. The log fits one page of readAll.
 */
const rewritingHistoryAt = (store: EventStore, eventId: string): EventStore => ({
  ...readsOf(store),
  readAll: async (options) => {
    const lastHashOfStream = new Map<string, string>();
    let rewrittenStream: string | undefined;
    return (await store.readAll(options)).map((event) => {
      const rewritten =
        event.id === eventId ? { ...event, data: { ...(event.data as object), points: 9 } } : { ...event };
      if (event.id === eventId) rewrittenStream = event.streamName;
      if (event.streamName === rewrittenStream) {
        rewritten.hash = eventDigest(rewritten, lastHashOfStream.get(event.streamName) ?? genesisHash);
      }
      if (rewritten.hash !== undefined) lastHashOfStream.set(event.streamName, rewritten.hash);
      return rewritten;
    });
  },
});

describe.each(adapters)('the integrity tools on the %s store, through the port', (_, createStore) => {
  let store: EventStore;
  /** The log as appended: subject-a at revisions 0-2, subject-b 0-2, subject-a 3, in that order. */
  let log: RecordedEvent[];

  beforeEach(async () => {
    store = createStore();
    await store.appendToStream('subject-a', [deed(1), deed(2), deed(3)], { expectedRevision: 'no_stream' });
    await store.appendToStream('subject-b', [deed(4)], { expectedRevision: 'no_stream' });
    await store.appendToStream('subject-b', [deed(5), deed(6)], { expectedRevision: 0n });
    await store.appendToStream('subject-a', [deed(7)]);
    log = await store.readAll();
  });
  afterEach(() => store.close());

  it('verifies an untouched log, counting every event', async () => {
    expect(await verifyStoredLog(store)).toEqual({ ok: true, eventCount: 7 });
  });

  it('names the position of the event whose data a read gives altered', async () => {
    const altered = log[4];
    expect(await verifyStoredLog(alteringDataOf(store, altered.id))).toMatchObject({
      ok: false,
      position: altered.position,
      reason: 'hash-mismatch',
    });
  });

  it('verifies the log against a checkpoint it signed', async () => {
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    expect(verifyCheckpoint(checkpoint, publicKey)).toBe(true);
    expect(checkpoint.treeSize).toBe(7);
    expect(await verifyStoredLog(store, checkpoint)).toEqual({ ok: true, eventCount: 7 });
  });

  it('exposes history rewritten with recomputed hashes against a checkpoint issued before', async () => {
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    const rewritten = rewritingHistoryAt(store, log[1].id);
    expect(await verifyStoredLog(rewritten)).toMatchObject({ ok: true });
    expect(await verifyStoredLog(rewritten, checkpoint)).toMatchObject({ ok: false, reason: 'root-mismatch' });
  });

  it('proves an event included in the tree a checkpoint signed', async () => {
    const checkpoint = await issueCheckpoint(store, privateKey, now);
    const answer = await proveInclusion(store, log[5].position, checkpoint.treeSize);
    expect(answer.leafIndex).toBe(5);
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

  it('proves an older checkpoint tree a prefix of a newer one', async () => {
    const older = await issueCheckpoint(store, privateKey, now);
    await store.appendToStream('subject-c', [deed(8), deed(9)], { expectedRevision: 'no_stream' });
    await store.appendToStream('subject-a', [deed(10)], { expectedRevision: 'any' });
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
    expect(await verifyStoredLog(store, older)).toEqual({ ok: true, eventCount: 10 });
  });
});
