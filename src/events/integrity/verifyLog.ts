/**
 * An auditor's two checks of the global log.
 *
 * verifyEvents walks the events in log order and recomputes every stream's hash chain. It catches an edited event
 * (its digest no longer matches the stored one), an event inserted, deleted or moved within its stream (the revisions
 * stop counting 0, 1, 2, ...), and events out of global order. It cannot catch an operator who rewrites a stream and
 * recomputes every later stored hash: that is what verifyAgainstCheckpoint is for, since a signed checkpoint pins the
 * Merkle root over the first treeSize events, positions included.
 *
 * Both stream their input and stop at the first fault. verifyEvents keeps one (revision, hash) pair per stream, so
 * its memory grows with the number of streams, never with the number of events; verifyAgainstCheckpoint keeps
 * O(log treeSize) hashes.
 */
import { canonicalJson } from '../canonicalJson';
import { comparePositions, isPosition, type Position, type RecordedEvent, type StoredEvent } from '../eventStore';
import { isRootHashHex, type SignedCheckpoint } from './checkpoint';
import { canonicalTextsDigest, eventDigest, genesisHash } from './eventHash';
import { isTreeSize, rootOf } from './merkle';

export type LogFaultReason =
  /** Malformed, or not after the previous event's position. */
  | 'position-out-of-order'
  /** Not the revision after the stream's previous event: an event inserted, deleted or moved within the stream. */
  | 'revision-out-of-sequence'
  /** An event that cannot be encoded for hashing at all (an invalid recordedAt, a value JSON cannot hold). */
  | 'event-malformed'
  /** No stored hash at all: an event the store never sealed, such as one written behind its back. */
  | 'hash-missing'
  /** The stored hash differs from the one recomputed along the chain: the event or an earlier one was edited. */
  | 'hash-mismatch';

export type LogVerdict =
  { ok: true; eventCount: number } | { ok: false; position: Position; reason: LogFaultReason; detail: string };

export const verifyEvents = (
  events: Iterable<RecordedEvent>,
  storedHashes: (event: RecordedEvent) => string | undefined,
): LogVerdict => {
  const verifier = createLogVerifier();
  for (const event of events) {
    const stored = storedHashes(event);
    const bad = verifier.check({ ...event, ...(stored === undefined ? { hash: undefined } : { hash: stored }) });
    if (bad) return bad;
  }
  return verifier.verdict();
};

/** An event as verification reads it: as stored (text), where the store offers that, or as recorded (values). */
export type LoggedEvent = StoredEvent | RecordedEvent;

const isStored = (event: LoggedEvent): event is StoredEvent => 'dataJson' in event;

/** A recorded event in stored form: data and metadata as canonical JSON, recordedAt as its ISO text. */
export const canonicalFormOf = (event: RecordedEvent): StoredEvent => ({
  streamName: event.streamName,
  revision: event.revision,
  position: event.position,
  id: event.id,
  type: event.type,
  dataJson: canonicalJson(event.data),
  metadataJson: canonicalJson(event.metadata),
  recordedAt: event.recordedAt.toISOString(),
  ...(event.hash === undefined ? {} : { hash: event.hash }),
});

/**
 * The digest of a stored event as the chain defines it (canonical JSON of its content, eventHash.ts). Stores keep
 * data and metadata as canonical JSON, so the stored text is hashed as it is. Events stored before that were kept
 * as JSON.stringify wrote them: those are re-encoded canonically, but only when their text is exactly in that form
 * and recordedAt exactly as toISOString writes it, so that an edit to a space or a digit of a date still shows.
 */
const digestOf = (event: StoredEvent, previousHash: string): string => {
  const asStored = canonicalTextsDigest(event, previousHash);
  if (asStored === event.hash) return asStored;
  const data = JSON.parse(event.dataJson) as unknown;
  const metadata = JSON.parse(event.metadataJson) as RecordedEvent['metadata'];
  const recordedAt = new Date(event.recordedAt);
  const inEarlierForm =
    JSON.stringify(data) === event.dataJson &&
    JSON.stringify(metadata) === event.metadataJson &&
    !Number.isNaN(recordedAt.getTime()) &&
    recordedAt.toISOString() === event.recordedAt;
  return inEarlierForm ? eventDigest({ ...event, data, metadata, recordedAt }, previousHash) : asStored;
};

/** A stream's last event checked: its revision and its link in the chain. */
export interface ChainHead {
  revision: bigint;
  hash: string;
}

/**
 * verifyEvents one event at a time, for a log read in pages: `check` answers the first fault, if any. A log read
 * from the middle of a stream (an import continuing what its target holds) gives that stream's head first
 * (`continueStream`): its next event is then checked against it, as if the events before had been checked here.
 */
export const createLogVerifier = () => {
  const chainHeads = new Map<string, ChainHead>();
  let previousPosition: Position | undefined;
  let eventCount = 0;
  return {
    check(event: LoggedEvent): LogVerdict | undefined {
      if (!isPosition(event.position)) return fault(event, 'position-out-of-order', 'not a position');
      if (previousPosition !== undefined && comparePositions(event.position, previousPosition) <= 0) {
        return fault(event, 'position-out-of-order', `not after the previous position ${previousPosition}`);
      }
      const head = chainHeads.get(event.streamName);
      const expectedRevision = head === undefined ? 0n : head.revision + 1n;
      if (event.revision !== expectedRevision) {
        return fault(event, 'revision-out-of-sequence', `expected revision ${expectedRevision}`);
      }
      const stored = event.hash;
      if (stored === undefined) return fault(event, 'hash-missing', 'no stored hash');
      let recomputed: string;
      try {
        recomputed = digestOf(isStored(event) ? event : canonicalFormOf(event), head?.hash ?? genesisHash);
      } catch (error) {
        return fault(event, 'event-malformed', error instanceof Error ? error.message : String(error));
      }
      if (stored !== recomputed) return fault(event, 'hash-mismatch', `stored ${stored}, recomputed ${recomputed}`);
      chainHeads.set(event.streamName, { revision: event.revision, hash: recomputed });
      previousPosition = event.position;
      eventCount += 1;
      return undefined;
    },
    verdict: (): LogVerdict => ({ ok: true, eventCount }),
    /** The last event checked of a stream, or the head it was continued from; undefined for a stream not seen. */
    headOf: (streamName: string): ChainHead | undefined => chainHeads.get(streamName),
    /** Takes a stream's events before `head.revision + 1` as checked, ending in `head`. */
    continueStream(streamName: string, head: ChainHead): void {
      chainHeads.set(streamName, head);
    },
  };
};

const fault = (event: LoggedEvent, reason: LogFaultReason, detail: string): LogVerdict => ({
  ok: false,
  position: event.position,
  reason,
  detail: `${event.streamName}@${event.revision}: ${detail}`,
});

export type CheckpointFaultReason =
  /** The checkpoint's treeSize or rootHash is not well formed. */
  | 'checkpoint-malformed'
  /** The log holds fewer events than the checkpoint vouched for: its tail was cut off. */
  | 'truncated'
  /** The first treeSize leaves hash to another root: history the checkpoint covers was rewritten. */
  | 'root-mismatch';

export type CheckpointVerdict = { ok: true } | { ok: false; reason: CheckpointFaultReason; detail: string };

/**
 * Whether the log, given as its Merkle leaf hashes in log order, still starts with the tree the checkpoint signed.
 * A log that has grown since is fine: only the first treeSize leaves are read. Check the checkpoint's signature
 * (verifyCheckpoint) first: this trusts treeSize and rootHash as given.
 */
export const verifyAgainstCheckpoint = (
  leafHashes: Iterable<Buffer>,
  checkpoint: Pick<SignedCheckpoint, 'treeSize' | 'rootHash'>,
): CheckpointVerdict => {
  if (!isTreeSize(checkpoint.treeSize)) return malformedCheckpoint;
  const counted = { leaves: 0 };
  const root = rootOf(firstLeaves(leafHashes, checkpoint.treeSize, counted));
  return checkpointVerdict({ leafCount: counted.leaves, root }, checkpoint);
};

const malformedCheckpoint: CheckpointVerdict = {
  ok: false,
  reason: 'checkpoint-malformed',
  detail: 'treeSize or rootHash is not well formed',
};

/**
 * verifyAgainstCheckpoint for a tree accumulated elsewhere: the root over the log's first min(treeSize, length)
 * leaves, and how many leaves that was.
 */
export const checkpointVerdict = (
  tree: { leafCount: number; root: Buffer },
  checkpoint: Pick<SignedCheckpoint, 'treeSize' | 'rootHash'>,
): CheckpointVerdict => {
  const { treeSize, rootHash } = checkpoint;
  if (!isTreeSize(treeSize) || !isRootHashHex(rootHash)) return malformedCheckpoint;
  if (tree.leafCount < treeSize) {
    return {
      ok: false,
      reason: 'truncated',
      detail: `the checkpoint covers ${treeSize} events, the log holds ${tree.leafCount}`,
    };
  }
  if (tree.root.toString('hex') !== rootHash) {
    return {
      ok: false,
      reason: 'root-mismatch',
      detail: `the first ${treeSize} events hash to ${tree.root.toString('hex')}, not ${rootHash}`,
    };
  }
  return { ok: true };
};

/** The first `limit` leaves, counting them as they pass, without reading one leaf more than needed. */
function* firstLeaves(leafHashes: Iterable<Buffer>, limit: number, counted: { leaves: number }): Generator<Buffer> {
  if (limit === 0) return;
  for (const leaf of leafHashes) {
    counted.leaves += 1;
    yield leaf;
    if (counted.leaves === limit) return;
  }
}
