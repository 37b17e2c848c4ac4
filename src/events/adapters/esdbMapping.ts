import type {
  AppendExpectedRevision,
  ErrorType,
  JSONType,
  Position as ClientPosition,
  ReadPosition,
  ReadRevision,
} from '@eventstore/db-client';
import {
  START,
  InvalidStoreArgumentError,
  WrongExpectedRevisionError,
  checkPosition,
  comparePositions,
  positionFromNumber,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamRevision,
} from '../eventStore';
import type { ChainLink } from '../integrity/chainLinks';

/**
 * Pure translation between the port and @eventstore/db-client 6.x, kept apart from the client so that it is
 * tested without a server. Only types are imported from the client: this file never loads gRPC.
 *
 * The shapes below are the fields of the client's types that we read, widened where clients have been seen to
 * differ at runtime: revisions and positions as number instead of bigint (the Kurrent client's regressions).
 *
 * The hash chain (src/events/integrity/eventHash.ts): the server sets an event's `created` only at commit, so the
 * digest cannot cover it. The adapter stamps recordedAt itself and keeps it, with the event's eventHash, in the
 * stored event's metadata under one key, chainMetadataKey:
 *
 *   metadata = { ...the metadata the caller appended, ledgerChain: { recordedAt: "2026-11-26T10:00:00.000Z",
 *                hash: "<64 hex>" } }
 *
 * Reading back strips the key, so RecordedEvent.metadata is exactly what the caller appended (and what the digest
 * covers), recordedAt comes from the key and hash from the key. Events written before the chain have no such key:
 * their recordedAt is the server's `created` and they carry no hash. The key has no `$`: EventStoreDB reserves
 * metadata names starting with `$` for itself ($correlationId, $causationId, ...).
 */

type ClientBigInt = bigint | number;

export interface ClientRecordedEvent {
  streamId: string;
  id: string;
  type: string;
  revision: ClientBigInt;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata?: unknown;
  position?: { commit: ClientBigInt; prepare: ClientBigInt };
}

/** A ResolvedEvent or AllStreamResolvedEvent. */
export interface ClientResolvedEvent {
  event?: ClientRecordedEvent;
  commitPosition?: ClientBigInt;
}

export interface JsonEventArguments {
  id: string;
  type: string;
  data: JSONType;
  metadata: JSONType;
}

/** The client's revisions and positions are bigint by type, but not always at runtime. */
export const asBigInt = (value: ClientBigInt): bigint => BigInt(value);

export const toClientExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  if (typeof expected === 'bigint' && expected < 0n) {
    throw new InvalidStoreArgumentError(`expected revision must not be negative, not ${expected}`);
  }
  return expected;
};

/**
 * Servers that report a conflict in gRPC metadata rather than in the reply give the expectation as .NET
 * ExpectedVersion numbers, where the named expectations are negative.
 */
const namedExpectedVersions = new Map<bigint, ExpectedRevision>([
  [-1n, 'no_stream'],
  [-2n, 'any'],
  [-4n, 'stream_exists'],
]);

export const fromClientExpectedRevision = (expected: AppendExpectedRevision | number): ExpectedRevision => {
  if (typeof expected === 'string') return expected;
  const revision = asBigInt(expected);
  return namedExpectedVersions.get(revision) ?? revision;
};

/** The client's CurrentRevision; a negative number is the .NET encoding of "no stream" (see above). */
export const fromClientCurrentRevision = (actual: 'no_stream' | ClientBigInt): StreamRevision | 'no_stream' => {
  if (actual === 'no_stream') return 'no_stream';
  const revision = asBigInt(actual);
  return revision < 0n ? 'no_stream' : revision;
};

/** Where a stream read starts: inclusive, and by default the first event forwards, the last backwards. */
export const toClientReadRevision = (
  fromRevision: StreamRevision | undefined,
  direction: ReadStreamOptions['direction'],
): ReadRevision => {
  if (fromRevision === undefined) return direction === 'backwards' ? 'end' : 'start';
  if (fromRevision < 0n) throw new InvalidStoreArgumentError(`fromRevision must not be negative, not ${fromRevision}`);
  return fromRevision;
};

/** A stream's revision from its last event (read backwards from the end), or 'no_stream' when it has none. */
export const streamRevisionFrom = (last: ClientResolvedEvent | undefined): StreamRevision | 'no_stream' =>
  last?.event === undefined ? 'no_stream' : asBigInt(last.event.revision);

// Typed by the client's ErrorType, so that a rename there fails to compile here.
const wrongExpectedVersion: `${ErrorType.WRONG_EXPECTED_VERSION}` = 'wrong-expected-version';
const streamNotFound: `${ErrorType.STREAM_NOT_FOUND}` = 'stream-not-found';
const transientErrorTypes: ReadonlySet<string> = new Set<`${ErrorType.UNAVAILABLE}` | `${ErrorType.CANCELLED}`>([
  'unavailable',
  'cancelled',
]);

/** The client's errors are told apart by their `type` (ErrorType); their `name` is just "Error". */
const clientErrorType = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string'
    ? error.type
    : undefined;

interface ClientWrongExpectedVersion {
  streamName: string;
  expectedVersion: AppendExpectedRevision | number;
  actualVersion: 'no_stream' | ClientBigInt;
}

/** An error from an append, as the port's error when it has one, else unchanged. */
export const fromClientAppendError = (error: unknown): unknown => {
  if (clientErrorType(error) !== wrongExpectedVersion) return error;
  const conflict = error as ClientWrongExpectedVersion;
  return new WrongExpectedRevisionError(
    conflict.streamName,
    fromClientExpectedRevision(conflict.expectedVersion),
    fromClientCurrentRevision(conflict.actualVersion),
  );
};

/** Reading a missing (or soft-deleted) stream fails with this, thrown while iterating the read. */
export const isStreamNotFound = (error: unknown): boolean => clientErrorType(error) === streamNotFound;

/** The connection dropped or the server cancelled the call: the client reconnects on the next call. */
export const isTransientClientError = (error: unknown): boolean =>
  transientErrorTypes.has(clientErrorType(error) ?? '');

/** Our position is the commit position: gRPC appends write no explicit transactions, so prepare equals commit. */
export const fromClientPosition = (position: { commit: ClientBigInt }): Position =>
  positionFromNumber(asBigInt(position.commit));

/** An append's position, or undefined when the server gave none (or a negative one), as for a retry it recognised. */
export const fromClientAppendPosition = (position: { commit: ClientBigInt } | undefined): Position | undefined =>
  position === undefined || asBigInt(position.commit) < 0n ? undefined : fromClientPosition(position);

export const toClientPosition = (position: Position): ClientPosition => {
  const commit = BigInt(checkPosition(position));
  return { commit, prepare: commit };
};

/** Where a read or subscription starts. START is the client's own start, which needs no event at position 0. */
export const toClientReadPosition = (position: Position): ReadPosition =>
  checkPosition(position) === START ? 'start' : toClientPosition(position);

export const positionOf = (resolved: ClientResolvedEvent): Position => {
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) {
    throw new Error(
      `EventStoreDB gave no position for event ${resolved.event?.id ?? '(unresolved)'}: ` +
        'stream reads report positions from server 22.6 on',
    );
  }
  return positionFromNumber(asBigInt(commit));
};

/** Reads from a position include the event at it; `after` excludes it. */
export const isAfter = (resolved: ClientResolvedEvent, after: Position): boolean =>
  comparePositions(positionOf(resolved), after) > 0;

const isSystemEvent = (event: ClientRecordedEvent): boolean =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

/** An event of ours: present (an unresolved link has none) and neither a system event nor in a system stream. */
export const isUserEvent = (resolved: ClientResolvedEvent): boolean =>
  resolved.event !== undefined && !isSystemEvent(resolved.event);

/**
 * The client parses JSON events itself, so a string from a JSON event is a JSON string value. Bytes (a binary
 * event, or metadata the client could not parse) and strings from binary events are JSON text still to parse.
 */
const decodeJson = (value: unknown, isJson: boolean): unknown => {
  if (value instanceof Uint8Array) return JSON.parse(Buffer.from(value).toString('utf8')) as unknown;
  if (typeof value === 'string' && !isJson) return JSON.parse(value) as unknown;
  return value;
};

/** The metadata key under which an event's link in the hash chain is stored (see the header). */
export const chainMetadataKey = 'ledgerChain';

/** What is stored under chainMetadataKey. */
export interface StoredChainLink {
  /** Date.toISOString() of the instant the adapter recorded the event. */
  recordedAt: string;
  hash: string;
}

type StoredMetadata = EventMetadata & { [chainMetadataKey]?: unknown };

const decodeMetadata = (event: ClientRecordedEvent): StoredMetadata => {
  const metadata = decodeJson(event.metadata, event.isJson);
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new Error(`event ${event.id} in ${event.streamId} has no metadata object: it was not written by this ledger`);
  }
  return metadata as StoredMetadata;
};

/**
 * recordedAt and hash from the stored link, or `created` and no hash for an event written before the chain. A link
 * that is not well formed is passed on as it is, so that verification names the event rather than failing to read.
 */
const chainFieldsOf = (link: unknown, created: Date): Pick<RecordedEvent, 'recordedAt' | 'hash'> => {
  if (link === undefined) return { recordedAt: new Date(created) };
  const { recordedAt, hash } = (typeof link === 'object' && link !== null ? link : {}) as Partial<StoredChainLink>;
  return { recordedAt: new Date(String(recordedAt)), ...(typeof hash === 'string' ? { hash } : {}) };
};

/** Our event, or undefined for what the port never surfaces (system events, unresolved links). */
export const recordedEventFrom = (resolved: ClientResolvedEvent): RecordedEvent | undefined => {
  const { event } = resolved;
  if (event === undefined || isSystemEvent(event)) return undefined;
  const { [chainMetadataKey]: link, ...metadata } = decodeMetadata(event);
  return {
    id: event.id,
    type: event.type,
    data: decodeJson(event.data, event.isJson),
    metadata,
    streamName: event.streamId,
    revision: asBigInt(event.revision),
    position: positionOf(resolved),
    ...chainFieldsOf(link, event.created),
  };
};

/**
 * The arguments of the client's jsonEvent, which keeps our id so that a retried append is recognised: data and
 * metadata parsed from the link's stored text (exactly what its hash covers), and the link under chainMetadataKey.
 * chainLinks refuses what is not JSON before the append call opens, where the client's own serialisation error
 * would leave the call's promise unsettled.
 */
export const toJsonEventArguments = (event: NewEvent, link: ChainLink, recordedAt: Date): JsonEventArguments => {
  const metadata = JSON.parse(link.metadataJson) as Record<string, unknown>;
  if (chainMetadataKey in metadata) {
    throw new InvalidStoreArgumentError(
      `event ${event.id}: metadata must not use the reserved key ${chainMetadataKey}`,
    );
  }
  const stored: StoredChainLink = { recordedAt: recordedAt.toISOString(), hash: link.hash };
  return {
    id: event.id,
    type: event.type,
    // Any JSON value, though the client's JSONType names fewer: the client JSON.stringifies it as it is.
    data: JSON.parse(link.dataJson) as JSONType,
    metadata: { ...metadata, [chainMetadataKey]: stored },
  };
};
