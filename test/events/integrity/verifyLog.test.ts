import { generateKeyPairSync } from 'node:crypto';
import { positionFromNumber, type RecordedEvent } from '../../../src/events/eventStore';
import { signCheckpoint } from '../../../src/events/integrity/checkpoint';
import { eventDigest, genesisHash, merkleLeafOf } from '../../../src/events/integrity/eventHash';
import { leafHash, rootOf } from '../../../src/events/integrity/merkle';
import { verifyAgainstCheckpoint, verifyEvents } from '../../../src/events/integrity/verifyLog';

/** One event of the log. The log below spaces positions by 10, leaving room to insert a forged event between two. */
const recorded = (streamName: string, revision: number, position: number, note: string): RecordedEvent => ({
  streamName,
  revision: BigInt(revision),
  position: positionFromNumber(position),
  id: `event-${position}`,
  type: 'EntryRecorded',
  data: { ruleCode: 'TRAFFIC-01', points: -5, note },
  metadata: { schemaVersion: 1, actorId: 'official-1' },
  recordedAt: new Date(Date.UTC(2026, 10, 26, 10, 0, position)),
});

const originalLog: readonly RecordedEvent[] = [
  recorded('subject-a', 0, 10, 'first of a'),
  recorded('subject-b', 0, 20, 'first of b'),
  recorded('subject-a', 1, 30, 'second of a'),
  recorded('subject-a', 2, 40, 'third of a'),
  recorded('subject-b', 1, 50, 'second of b'),
  recorded('subject-a', 3, 60, 'fourth of a'),
];

/** The hashes the store wrote as it appended, keyed by event id: what an honest chain looks like. */
const sealedHashes = (log: readonly RecordedEvent[]): Map<string, string> => {
  const lastHashOfStream = new Map<string, string>();
  const hashes = new Map<string, string>();
  for (const event of log) {
    const hash = eventDigest(event, lastHashOfStream.get(event.streamName) ?? genesisHash);
    lastHashOfStream.set(event.streamName, hash);
    hashes.set(event.id, hash);
  }
  return hashes;
};

const storedHashes = sealedHashes(originalLog);
const storedHashOf = (event: RecordedEvent): string | undefined => storedHashes.get(event.id);

const leafHashesOf = (log: readonly RecordedEvent[], hashes: Map<string, string>): Buffer[] =>
  log.map((event) => {
    const hash = hashes.get(event.id);
    if (hash === undefined) throw new Error(`no hash for ${event.id}`);
    return leafHash(merkleLeafOf(event, hash));
  });

const at = (position: number) => positionFromNumber(position);

describe('verifying the hash chain of the log', () => {
  it('accepts an untouched log and counts its events', () => {
    expect(verifyEvents(originalLog, storedHashOf)).toEqual({ ok: true, eventCount: 6 });
  });

  it('names the event in which one byte was edited', () => {
    const edited = originalLog.map((event) =>
      event.position === at(40)
        ? { ...event, data: { ruleCode: 'TRAFFIC-01', points: -5, note: 'third of A' } }
        : event,
    );
    expect(verifyEvents(edited, storedHashOf)).toMatchObject({ ok: false, position: at(40), reason: 'hash-mismatch' });
  });

  it('names the next event of the stream when an edited event was re-hashed but its successors were not', () => {
    const edited = originalLog.map((event) =>
      event.position === at(30) ? { ...event, metadata: { schemaVersion: 1 } } : event,
    );
    const rehashed = new Map(storedHashes);
    rehashed.set('event-30', eventDigest(edited[2], storedHashes.get('event-10') ?? genesisHash));
    expect(verifyEvents(edited, (event) => rehashed.get(event.id))).toMatchObject({
      ok: false,
      position: at(40),
      reason: 'hash-mismatch',
    });
  });

  it('names an inserted event that has no stored hash', () => {
    const forged = recorded('subject-a', 1, 25, 'forged');
    const inserted = [...originalLog.slice(0, 2), forged, ...originalLog.slice(2)];
    expect(verifyEvents(inserted, storedHashOf)).toMatchObject({ ok: false, position: at(25), reason: 'hash-missing' });
  });

  it('names the displaced event when an inserted event carries a correctly chained hash', () => {
    const forged = recorded('subject-a', 1, 25, 'forged');
    const inserted = [...originalLog.slice(0, 2), forged, ...originalLog.slice(2)];
    const withForgedHash = new Map(storedHashes);
    withForgedHash.set(forged.id, eventDigest(forged, storedHashes.get('event-10') ?? genesisHash));
    expect(verifyEvents(inserted, (event) => withForgedHash.get(event.id))).toMatchObject({
      ok: false,
      position: at(30),
      reason: 'revision-out-of-sequence',
    });
  });

  it('names the event after a deleted one in the same stream', () => {
    const deleted = originalLog.filter((event) => event.position !== at(30));
    expect(verifyEvents(deleted, storedHashOf)).toMatchObject({
      ok: false,
      position: at(40),
      reason: 'revision-out-of-sequence',
    });
  });

  it('names the first position of two events of a stream that swapped places', () => {
    const [a0, b0, a1, a2, b1, a3] = originalLog;
    const reordered = [a0, b0, { ...a2, position: a1.position }, { ...a1, position: a2.position }, b1, a3];
    expect(verifyEvents(reordered, storedHashOf)).toMatchObject({
      ok: false,
      position: at(30),
      reason: 'revision-out-of-sequence',
    });
  });

  it('names an event whose position does not come after the one before it', () => {
    const [a0, b0, ...rest] = originalLog;
    expect(verifyEvents([b0, a0, ...rest], storedHashOf)).toMatchObject({
      ok: false,
      position: at(10),
      reason: 'position-out-of-order',
    });
    expect(verifyEvents([a0, { ...b0, position: a0.position }, ...rest], storedHashOf)).toMatchObject({
      ok: false,
      position: at(10),
      reason: 'position-out-of-order',
    });
  });

  it('names an event that cannot be encoded for hashing', () => {
    const broken = originalLog.map((event) =>
      event.position === at(50) ? { ...event, recordedAt: new Date(Number.NaN) } : event,
    );
    expect(verifyEvents(broken, storedHashOf)).toMatchObject({
      ok: false,
      position: at(50),
      reason: 'event-malformed',
    });
  });

  it('reports only the first of several faults', () => {
    const edited = originalLog.map((event) =>
      event.position === at(20) || event.position === at(50) ? { ...event, type: 'EntryReversed' } : event,
    );
    expect(verifyEvents(edited, storedHashOf)).toMatchObject({ ok: false, position: at(20), reason: 'hash-mismatch' });
  });
});

describe('verifying the log against a signed checkpoint', () => {
  const operatorKeys = generateKeyPairSync('ed25519');
  const issuedAt = new Date('2026-11-26T11:00:00.000Z');
  const checkpointOf = (leafHashes: Buffer[]) =>
    signCheckpoint({ treeSize: leafHashes.length, rootHash: rootOf(leafHashes), issuedAt }, operatorKeys.privateKey);
  const originalLeaves = leafHashesOf(originalLog, storedHashes);
  const checkpoint = checkpointOf(originalLeaves);

  it('accepts the log the checkpoint was made of', () => {
    expect(verifyAgainstCheckpoint(originalLeaves, checkpoint)).toEqual({ ok: true });
  });

  it('accepts a log that has grown since the checkpoint', () => {
    const grown = [...originalLog, recorded('subject-b', 2, 70, 'third of b')];
    expect(verifyAgainstCheckpoint(leafHashesOf(grown, sealedHashes(grown)), checkpoint)).toEqual({ ok: true });
  });

  it('detects a log whose tail was cut off', () => {
    expect(verifyAgainstCheckpoint(originalLeaves.slice(0, 5), checkpoint)).toMatchObject({
      ok: false,
      reason: 'truncated',
    });
  });

  it('detects a rewritten stream whose chain was recomputed, which the chain alone cannot see', () => {
    const rewritten = originalLog.map((event) =>
      event.position === at(30)
        ? { ...event, data: { ruleCode: 'TRAFFIC-01', points: -50, note: 'second of a' } }
        : event,
    );
    const recomputed = sealedHashes(rewritten);
    expect(verifyEvents(rewritten, (event) => recomputed.get(event.id))).toMatchObject({ ok: true });
    expect(verifyAgainstCheckpoint(leafHashesOf(rewritten, recomputed), checkpoint)).toMatchObject({
      ok: false,
      reason: 'root-mismatch',
    });
  });

  it('detects events of different streams that swapped positions, which the chain alone cannot see', () => {
    const [a0, b0, ...rest] = originalLog;
    const swapped = [{ ...b0, position: a0.position }, { ...a0, position: b0.position }, ...rest];
    expect(verifyEvents(swapped, storedHashOf)).toMatchObject({ ok: true });
    expect(verifyAgainstCheckpoint(leafHashesOf(swapped, storedHashes), checkpoint)).toMatchObject({
      ok: false,
      reason: 'root-mismatch',
    });
  });

  it('accepts an empty log against a checkpoint of the empty tree', () => {
    expect(verifyAgainstCheckpoint([], checkpointOf([]))).toEqual({ ok: true });
  });

  it('refuses a checkpoint whose size or root is malformed', () => {
    expect(verifyAgainstCheckpoint(originalLeaves, { ...checkpoint, treeSize: -1 })).toMatchObject({
      ok: false,
      reason: 'checkpoint-malformed',
    });
    expect(verifyAgainstCheckpoint(originalLeaves, { ...checkpoint, rootHash: 'not hex' })).toMatchObject({
      ok: false,
      reason: 'checkpoint-malformed',
    });
  });
});
