import type { NewEvent, StreamRevision } from '../eventStore';
import { canonicalJson } from '../canonicalJson';
import { canonicalTextsDigest } from './eventHash';

/**
 * The links a batch of new events adds to its stream's hash chain (eventHash.ts), computed before any of them is
 * stored, so that every adapter stores exactly what an auditor will recompute.
 */

export interface ChainLinkRequest {
  streamName: string;
  /** The batch, in the order it is appended. */
  events: readonly NewEvent[];
  /** The revision the batch's first event will take: 0 for a new stream. */
  firstRevision: StreamRevision;
  /** The eventHash of the event at firstRevision - 1, or genesisHash when firstRevision is 0. */
  previousHash: string;
  /** When the store records the batch: one instant for every event of it. */
  recordedAt: Date;
  /**
   * The events' data and metadata as canonical JSON, in batch order, where the caller has them already (the import,
   * which hashed them to check its file's own chain): taken as they are, instead of encoding the events again.
   */
  texts?: readonly EventTexts[];
}

/** An event's data and metadata as canonical JSON text. */
export interface EventTexts {
  dataJson: string;
  metadataJson: string;
}

/** What to store for one event: its data and metadata as canonical JSON text, and its eventHash. */
export interface ChainLink {
  revision: StreamRevision;
  dataJson: string;
  metadataJson: string;
  hash: string;
}

/**
 * One link per event, in batch order, each chained onto the one before it. Data and metadata are stored as canonical
 * JSON, so the digest is computed over the very text that is stored (canonicalTextsDigest), and a verifier hashes
 * the stored bytes as they are. Throws, storing nothing, when an event's data or metadata is not JSON or
 * previousHash does not fit firstRevision.
 */
export const chainLinks = ({
  streamName,
  events,
  firstRevision,
  previousHash,
  recordedAt,
  texts: givenTexts,
}: ChainLinkRequest): ChainLink[] => {
  const recordedAtText = recordedAt.toISOString();
  const links: ChainLink[] = [];
  let linkedHash = previousHash;
  events.forEach((event, index) => {
    const revision = firstRevision + BigInt(index);
    const given = givenTexts?.[index];
    const dataJson = given?.dataJson ?? canonicalJson(event.data);
    const metadataJson = given?.metadataJson ?? canonicalJson(event.metadata);
    const texts = { streamName, revision, id: event.id, type: event.type, dataJson, metadataJson };
    linkedHash = canonicalTextsDigest({ ...texts, recordedAt: recordedAtText }, linkedHash);
    links.push({ revision, dataJson, metadataJson, hash: linkedHash });
  });
  return links;
};
