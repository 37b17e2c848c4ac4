/**
 * The per-stream hash chain, and the leaf each event contributes to the global log's Merkle tree.
 *
 * Chain digest (what an outside auditor recomputes for every event):
 *
 *   eventHash = lowercase hex of SHA-256( UTF-8( canonicalJson({
 *     streamName,                        // string
 *     revision,                          // the stream revision as a decimal string: "0", "1", ...
 *     id, type, data, metadata,          // exactly as stored
 *     recordedAt,                        // Date.toISOString(): "2026-11-26T10:00:00.000Z" (milliseconds, always Z)
 *     previousHash,                      // the previous event's eventHash in this stream; 64 "0"s for revision 0
 *   }) ) )
 *
 * canonicalJson (src/events/canonicalJson.ts): object keys sorted by UTF-16 code units at every depth, no white
 * space, strings and numbers as ECMAScript JSON.stringify writes them, properties whose value is undefined left
 * out. For the ASCII keys, strings and integers the ledger stores this is RFC 8785, and in Python it is
 * `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`. So the top-level keys appear in the
 * order data, id, metadata, previousHash, recordedAt, revision, streamName, type.
 *
 * The revision is a string because it is a bigint and JSON numbers lose precision past 2^53. The global position is
 * deliberately not in the digest, so that the digest can be computed before the store assigns a position
 * (EventStoreDB does so only at commit); the position is bound by the Merkle leaf instead.
 *
 * Where each adapter keeps the link (each computes it as chainLinks.ts does, before storing any of the batch):
 * - SQLite: the events table's `hash` column, beside `recorded_at`;
 * - in memory: beside the event, as SQLite would;
 * - EventStoreDB: in the stored event's metadata, `ledgerChain: { recordedAt, hash }` (esdbMapping.ts), since the
 *   server's `created` is set only at commit; reading back strips it, so `metadata` above is what the caller
 *   appended. Events written before the chain have no link there and read back without a hash.
 *
 * Merkle leaf data: the 85 ASCII bytes `${position}:${eventHash}` (the 20-digit zero-padded global position, a
 * colon, the 64-hex eventHash). The tree's leaf hash is then SHA-256(0x00 || those bytes), per RFC 9162. The
 * eventHash already commits to the stream, revision and content; the position is what places the event in the
 * global order, so moving events around the log changes the tree even when every stream's chain stays intact.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from '../canonicalJson';
import { isPosition, type RecordedEvent, type StoredEvent } from '../eventStore';

/** The previousHash of every stream's first event (revision 0). */
export const genesisHash = '0'.repeat(64);

/** The fields the chain digest covers: everything the store records except the global position. */
export type ChainedEvent = Pick<
  RecordedEvent,
  'streamName' | 'revision' | 'id' | 'type' | 'data' | 'metadata' | 'recordedAt'
>;

export const isEventHash = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

const checkLink = (revision: bigint, previousHash: string): void => {
  if (!isEventHash(previousHash)) throw new RangeError(`previousHash must be 64 lowercase hex digits: ${previousHash}`);
  // A first event chained onto a real digest, or a later one onto the genesis, is a caller's mistake, not a chain.
  if ((revision === 0n) !== (previousHash === genesisHash)) {
    throw new RangeError(
      `revision ${revision} must chain onto ${revision === 0n ? 'the genesis hash' : 'a real digest'}`,
    );
  }
};

/** The exact text whose SHA-256 is the event's digest: exposed so an auditor can compare bytes, not only hashes. */
export const eventDigestInput = (event: ChainedEvent, previousHash: string): string => {
  checkLink(event.revision, previousHash);
  return canonicalJson({
    streamName: event.streamName,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
    previousHash,
  });
};

export const eventDigest = (event: ChainedEvent, previousHash: string): string =>
  hash('sha256', eventDigestInput(event, previousHash), 'hex');

/** The fields of a stored event the digest covers, with data and metadata as canonical JSON text. */
export type CanonicalTexts = Pick<
  StoredEvent,
  'streamName' | 'revision' | 'id' | 'type' | 'dataJson' | 'metadataJson' | 'recordedAt'
>;

/**
 * The same digest input as eventDigestInput, assembled from texts instead of values: the keys in canonical order
 * around dataJson and metadataJson as they are. Equal to eventDigestInput of the parsed event exactly when those two
 * texts are canonical JSON and recordedAt is an ISO instant as toISOString writes it, which is how the stores keep
 * them (chainLinks.ts), so that appending and verifying need not parse and re-encode the data.
 */
export const canonicalTextsDigest = (event: CanonicalTexts, previousHash: string): string => {
  checkLink(event.revision, previousHash);
  const input =
    `{"data":${event.dataJson},"id":${JSON.stringify(event.id)},"metadata":${event.metadataJson}` +
    `,"previousHash":"${previousHash}","recordedAt":${JSON.stringify(event.recordedAt)}` +
    `,"revision":"${event.revision}","streamName":${JSON.stringify(event.streamName)},"type":${JSON.stringify(event.type)}}`;
  return hash('sha256', input, 'hex');
};

/** The data of the event's leaf in the global log's Merkle tree, as text: ASCII, so its bytes are its characters. */
export const merkleLeafText = (event: Pick<RecordedEvent, 'position'>, eventHash: string): string => {
  if (!isPosition(event.position)) throw new RangeError(`not a position: ${String(event.position)}`);
  if (!isEventHash(eventHash)) throw new RangeError(`an event hash must be 64 lowercase hex digits: ${eventHash}`);
  return `${event.position}:${eventHash}`;
};

/** The data of the event's leaf in the global log's Merkle tree (hash it with merkle.leafHash). */
export const merkleLeafOf = (event: Pick<RecordedEvent, 'position'>, eventHash: string): Buffer =>
  Buffer.from(merkleLeafText(event, eventHash), 'ascii');
