/**
 * The EventStore port: the one interface every adapter (in-memory, SQLite, EventStoreDB) implements.
 *
 * Semantics follow EventStoreDB so that the adapters agree:
 * - stream revisions are 0-based bigints; after the first event a stream is at revision 0n;
 * - expected revision is 'any', 'no_stream', 'stream_exists' or an exact revision, and a mismatch throws
 *   WrongExpectedRevisionError carrying the expected and the actual revision;
 * - reading a missing stream yields no events;
 * - global positions are opaque, ordered strings (compare them with comparePositions, never do arithmetic);
 * - reading and subscribing `after` a position is exclusive of it;
 * - re-appending the same event ids at the same (non-'any') expected revision writes nothing and returns
 *   the first append's result.
 */

export type StreamRevision = bigint;
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | StreamRevision;

/** An opaque global position. Zero-padded decimal, so string order equals log order. */
export type Position = string;

/** The position before the first event: reading after it reads everything. */
export const START: Position = '0'.padStart(20, '0');

export const positionWidth = 20;

export const positionFromNumber = (value: bigint | number): Position => {
  const text = BigInt(value).toString();
  if (text.startsWith('-') || text.length > positionWidth) throw new RangeError(`position out of range: ${text}`);
  return text.padStart(positionWidth, '0');
};

export const isPosition = (value: unknown): value is Position => typeof value === 'string' && /^[0-9]{20}$/.test(value);

export const comparePositions = (a: Position, b: Position): number => (a < b ? -1 : a > b ? 1 : 0);

export interface EventMetadata {
  /** Version of the event's data schema; upcasting is keyed by (type, schemaVersion). */
  schemaVersion: number;
  /** Who caused the event: an official's id, a subject's id, or 'system'. */
  actorId?: string;
  correlationId?: string;
  causationId?: string;
  idempotencyKey?: string;
  /** The API request the command came from (method, path, canonical body), hashed: a retry must be the same request. */
  requestFingerprint?: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** UUID. Derived deterministically from the command's idempotency key when one is given. */
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamName: string;
  revision: StreamRevision;
  position: Position;
  /** When the store committed the event (knowledge time). */
  recordedAt: Date;
  /** The event's link in its stream's hash chain, where the adapter keeps one (src/events/integrity). */
  hash?: string;
}

/**
 * What a fold reads of a recorded event: projections apply these fields and no others, so that a store can hand
 * them no more (EventStore.subscribeToFold), which a rebuild of every projection, reading the whole log, pays for
 * per event.
 */
export type FoldedEvent<Type extends string = string, Data = unknown> = Pick<
  RecordedEvent<Type, Data>,
  'type' | 'data' | 'position' | 'recordedAt'
>;

/**
 * An event exactly as a store keeps it: data and metadata as their stored JSON text, recordedAt as its stored ISO
 * text. What verification hashes, so that it checks the stored bytes without parsing and re-encoding them.
 */
export interface StoredEvent {
  streamName: string;
  revision: StreamRevision;
  position: Position;
  id: string;
  type: string;
  dataJson: string;
  metadataJson: string;
  recordedAt: string;
  hash?: string;
}

export interface AppendResult {
  /** The revision of the last event now in the stream: pass it as the next expected revision. */
  nextExpectedRevision: StreamRevision;
  /** The global position of the last event appended. */
  position: Position;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** Inclusive. Forwards the default is the first event, backwards the last. */
  fromRevision?: StreamRevision;
  direction?: 'forwards' | 'backwards';
  /** At most this many events; at most readStreamMaxCount. */
  maxCount?: number;
}

export interface EventFilter {
  streamPrefixes?: readonly string[];
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: the first event returned is the one after this position. Default START. */
  after?: Position;
  /** At most this many events; at most readAllMaxCount. Default readAllMaxCount. */
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive, as for readAll. Default START (the whole log). */
  after?: Position;
  filter?: EventFilter;
}

/** Marks the end of history: every event written before the subscription's last poll has been delivered. */
export interface CaughtUp {
  kind: 'caughtUp';
  /**
   * The position of the last event read so far (delivered, or skipped by the subscription's filter), or the
   * `after` the subscription started from.
   */
  position: Position;
}

export type SubscriptionItem<Event extends FoldedEvent = RecordedEvent> = Event | CaughtUp;

export const isCaughtUp = <Event extends FoldedEvent>(item: SubscriptionItem<Event>): item is CaughtUp =>
  (item as CaughtUp).kind === 'caughtUp';

/**
 * A catch-up subscription: delivers the history after its start position, one CaughtUp marker when it has
 * reached the end, then live events as they are appended (with a further CaughtUp after each live batch).
 * Items are delivered in global order, one at a time; close() ends iteration.
 */
export interface Subscription<Event extends FoldedEvent = RecordedEvent> extends AsyncIterable<
  SubscriptionItem<Event>
> {
  close(): Promise<void>;
}

export interface EventStore {
  appendToStream(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The revision of the stream's last event, or 'no_stream'. */
  getStreamRevision(stream: string): Promise<StreamRevision | 'no_stream'>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the last event in the log, or START when the log is empty. */
  headPosition(): Promise<Position>;
  /**
   * Optional, for adapters that keep events as text: the log as stored, unparsed, paged as readAll (no filter).
   * Verification and checkpoints use it when present (src/events/integrity/storedLog.ts).
   */
  readAllStored?(options?: Omit<ReadAllOptions, 'filter'>): Promise<StoredEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /**
   * Optional, for adapters that can read less of each event: subscribeToAll's items with only what a fold reads.
   * The projection runner uses it when present (src/projections/runner.ts), subscribeToAll otherwise: a wrapper
   * that changes what subscribeToAll delivers must change or drop this too.
   */
  subscribeToFold?(options?: SubscribeOptions): Subscription<FoldedEvent>;
  close(): Promise<void>;
}

/** Bounds on every read (TigerBeetle style: nothing unbounded). */
export const readStreamMaxCount = 100_000;
export const readAllMaxCount = 10_000;
export const appendBatchMaxEvents = 1_000;

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: StreamRevision | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An append that reuses some event ids already stored, but not as an exact retry of one earlier append. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly stream: string,
    readonly eventId: string,
  ) {
    super(`stream ${stream}: event id ${eventId} is already stored, and this append is not a retry of it`);
  }
}

/** The arguments of a store call are malformed (an empty batch, a count out of bounds, a bad position). */
export class InvalidStoreArgumentError extends Error {
  override readonly name = 'InvalidStoreArgumentError';
}

export const matchesFilter = (event: { streamName: string; type: string }, filter?: EventFilter): boolean => {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamName.startsWith(prefix))) {
    return false;
  }
  return true;
};

/** Checks the expected revision against the stream's actual one; shared by the adapters that decide it themselves. */
export const checkExpectedRevision = (
  stream: string,
  expected: ExpectedRevision,
  actual: StreamRevision | 'no_stream',
): void => {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 'no_stream') ||
    (expected === 'stream_exists' && actual !== 'no_stream') ||
    (typeof expected === 'bigint' && actual === expected);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, actual);
};

/** Refuses a malformed batch: empty, over appendBatchMaxEvents, or repeating an event id. */
export const checkAppendBatch = (events: readonly NewEvent[]): void => {
  if (events.length === 0) throw new InvalidStoreArgumentError('an append needs at least one event');
  if (events.length > appendBatchMaxEvents) {
    throw new InvalidStoreArgumentError(`an append takes at most ${appendBatchMaxEvents} events, not ${events.length}`);
  }
  if (new Set(events.map((event) => event.id)).size !== events.length) {
    throw new InvalidStoreArgumentError('an append repeats an event id');
  }
};

/** The maxCount a read will use: the one given, if it is an integer from 1 to max, or max. */
export const checkMaxCount = (maxCount: number | undefined, max: number): number => {
  if (maxCount === undefined) return max;
  if (!Number.isSafeInteger(maxCount) || maxCount < 1 || maxCount > max) {
    throw new InvalidStoreArgumentError(`maxCount must be an integer from 1 to ${max}, not ${maxCount}`);
  }
  return maxCount;
};

export const checkPosition = (position: Position): Position => {
  if (!isPosition(position)) throw new InvalidStoreArgumentError(`not a position: ${String(position)}`);
  return position;
};

/** Where an event id is stored; what recognizeRetry needs to know of it. */
export interface StoredEventLocation {
  streamName: string;
  revision: StreamRevision;
  position: Position;
}

/**
 * Recognises a retried append, for the adapters that decide it themselves: every id already stored contiguously
 * in this stream, starting at the revision this append would have started at (anywhere, for 'any' and
 * 'stream_exists'). Returns the first append's result for a retry, undefined when none of the ids is stored,
 * and throws DuplicateEventIdError otherwise (a partial overlap, or ids stored elsewhere).
 */
export const recognizeRetry = (
  stream: string,
  eventIds: readonly string[],
  expected: ExpectedRevision,
  locate: (eventId: string) => StoredEventLocation | undefined,
): AppendResult | undefined => {
  const locations = eventIds.map(locate);
  const firstStored = locations.findIndex((location) => location !== undefined);
  if (firstStored === -1) return undefined;
  const [first] = locations;
  const isRetry =
    first !== undefined &&
    startsWhereExpected(first.revision, expected) &&
    locations.every(
      (location, index) => location?.streamName === stream && location.revision === first.revision + BigInt(index),
    );
  const last = locations.at(-1);
  if (!isRetry || last === undefined) throw new DuplicateEventIdError(stream, eventIds[firstStored]);
  return { nextExpectedRevision: last.revision, position: last.position };
};

const startsWhereExpected = (firstRevision: StreamRevision, expected: ExpectedRevision): boolean => {
  if (expected === 'no_stream') return firstRevision === 0n;
  if (typeof expected === 'bigint') return firstRevision === expected + 1n;
  return true;
};
