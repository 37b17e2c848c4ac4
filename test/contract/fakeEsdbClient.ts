import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
  type Filter,
  type JSONType,
  type Position as ClientPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { CatchUpSubscription, ClientItem, EsdbClient } from '../../src/events/adapters/esdbEventStore';

/**
 * An EventStoreDB server in memory, behind the client calls the adapter makes (EsdbClient), so that the contract
 * suite runs against esdbEventStore without a server. It keeps to what the adapter relies on, as server 23.10+ with
 * client 6.x behave:
 * - JSON events only; data and metadata are stored as JSON text and parsed back, as the client does;
 * - $all holds system events too (one at the start, one after every tenth append), and commit positions are byte
 *   offsets with gaps, never 1, 2, 3;
 * - each call first yields to the event loop, as a network round trip would, then decides and commits at once, so
 *   that concurrent callers interleave between their calls, never inside one;
 * - expected revisions as the server checks them, and its idempotence: the same ids appended again at the revision
 *   they were first written at (anywhere in the stream, for 'any') return the first append's revision and no
 *   position, and write nothing; a stale revision is a WrongExpectedVersionError, and ids are not indexed otherwise;
 * - a missing stream fails its read with StreamNotFoundError, while it is iterated;
 * - readAll is inclusive of its fromPosition forwards and exclusive backwards; a subscription is exclusive of it,
 *   delivers the history, emits 'caughtUp', then each append's events together as they are committed.
 */

interface StoredRecord {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  dataJson: string;
  metadataJson: string | undefined;
  commit: bigint;
}

/** Appends between two system events in $all, as the server writes its own stats and epochs among ours. */
const appendsPerSystemEvent = 10;
/** Bytes every record takes in the log besides its data and metadata: commit positions leave gaps. */
const recordOverheadBytes = 137n;

const resolvedOf = (record: StoredRecord): AllStreamResolvedEvent => {
  const position: ClientPosition = { commit: record.commit, prepare: record.commit };
  const event: AllStreamRecordedEvent = {
    streamId: record.streamId,
    id: record.id,
    type: record.type,
    revision: record.revision,
    created: new Date(record.created),
    isJson: true,
    data: JSON.parse(record.dataJson) as JSONType,
    metadata: record.metadataJson === undefined ? undefined : (JSON.parse(record.metadataJson) as JSONType),
    position,
  };
  return { event, commitPosition: record.commit };
};

/** The filters the adapter passes (excludeSystemEvents): a regex on the event type. */
const passes = (record: StoredRecord, filter: Filter | undefined): boolean =>
  filter === undefined || !('regex' in filter) || new RegExp(filter.regex).test(record.type);

const afterPosition = (record: StoredRecord, from: SubscribeToAllOptions['fromPosition']): boolean =>
  from === undefined || from === START || (from !== END && record.commit > from.commit);

async function* records(found: () => AllStreamResolvedEvent[]): AsyncGenerator<AllStreamResolvedEvent> {
  yield* found();
}

class FakeSubscription extends Readable implements CatchUpSubscription {
  isUnsubscribed = false;

  constructor(private readonly onUnsubscribe: () => void) {
    super({ objectMode: true });
  }

  override _read(): void {
    // Records are pushed as the fake commits them.
  }

  override push(item: ClientItem | null): boolean {
    return super.push(item);
  }

  async unsubscribe(): Promise<void> {
    if (this.isUnsubscribed) return;
    this.isUnsubscribed = true;
    this.onUnsubscribe();
    this.push(null);
  }
}

export const createFakeEsdbClient = (): EsdbClient => {
  const log: StoredRecord[] = [];
  const streams = new Map<string, StoredRecord[]>();
  const liveSubscribers = new Set<(committed: readonly StoredRecord[]) => void>();
  let nextCommit = 0n;
  let appendCount = 0;

  const commit = (streamId: string, events: readonly EventData[], firstRevision: bigint): StoredRecord[] => {
    const committed = events.map((event, index) => {
      if (event.contentType !== 'application/json') throw new Error('the fake stores JSON events only');
      const dataJson = JSON.stringify(event.data);
      const metadataJson = event.metadata === undefined ? undefined : JSON.stringify(event.metadata);
      const record = {
        streamId,
        id: event.id,
        type: event.type,
        revision: firstRevision + BigInt(index),
        created: new Date(),
        dataJson,
        metadataJson,
        commit: nextCommit,
      };
      nextCommit += recordOverheadBytes + BigInt(dataJson.length + (metadataJson?.length ?? 0));
      return record;
    });
    const stream = streams.get(streamId) ?? [];
    stream.push(...committed);
    streams.set(streamId, stream);
    log.push(...committed);
    liveSubscribers.forEach((deliver) => deliver(committed));
    return committed;
  };

  const writeSystemEvent = (): void => {
    const statsStream = '$stats-127.0.0.1:2113';
    commit(
      statsStream,
      [{ id: randomUUID(), contentType: 'application/json', type: '$statsCollected', data: {}, metadata: {} }],
      BigInt(streams.get(statsStream)?.length ?? 0),
    );
  };
  writeSystemEvent();

  /** The first append's last revision when `events` were appended at `firstRevision` already, else undefined. */
  const idempotentRevision = (
    stored: readonly StoredRecord[],
    events: readonly EventData[],
    firstRevision: bigint | undefined,
  ): bigint | undefined => {
    const start = firstRevision ?? BigInt(stored.findIndex((record) => record.id === events[0].id));
    if (start < 0n) return undefined;
    const matches = events.every((event, index) => stored[Number(start) + index]?.id === event.id);
    return matches ? start + BigInt(events.length - 1) : undefined;
  };

  /** 'write', or the first append's last revision for a retry the server recognises; throws on a conflict. */
  const decide = (
    streamId: string,
    events: readonly EventData[],
    expected: AppendExpectedRevision,
  ): 'write' | bigint => {
    const stored = streams.get(streamId) ?? [];
    const current = stored.length === 0 ? 'no_stream' : BigInt(stored.length - 1);
    if (expected === 'any') return idempotentRevision(stored, events, undefined) ?? 'write';
    const met =
      (expected === 'no_stream' && current === 'no_stream') ||
      (expected === 'stream_exists' && current !== 'no_stream') ||
      expected === current;
    if (met) return 'write';
    const retried =
      expected === 'stream_exists'
        ? undefined
        : idempotentRevision(stored, events, expected === 'no_stream' ? 0n : expected + 1n);
    if (retried === undefined) {
      throw new WrongExpectedVersionError(undefined, { streamName: streamId, expected, current });
    }
    return retried;
  };

  return {
    async appendToStream(streamId, events, { expectedRevision }): Promise<AppendResult> {
      await nextTurn();
      const decision = decide(streamId, events, expectedRevision);
      if (decision !== 'write') return { success: true, nextExpectedRevision: decision };
      const committed = commit(streamId, events, BigInt(streams.get(streamId)?.length ?? 0));
      appendCount += 1;
      if (appendCount % appendsPerSystemEvent === 0) writeSystemEvent();
      const last = committed[committed.length - 1];
      return {
        success: true,
        nextExpectedRevision: last.revision,
        position: { commit: last.commit, prepare: last.commit },
      };
    },

    readStream(streamId, { direction, fromRevision, maxCount }: ReadStreamOptions) {
      return records(() => {
        const stored = streams.get(streamId);
        if (stored === undefined) throw new StreamNotFoundError(undefined, streamId);
        const count = Number(maxCount ?? stored.length);
        if (direction === BACKWARDS) {
          const last = fromRevision === undefined || fromRevision === END ? Infinity : Number(fromRevision);
          return stored
            .slice(0, last + 1)
            .reverse()
            .slice(0, count)
            .map(resolvedOf);
        }
        const from = fromRevision === undefined || fromRevision === START ? 0 : Number(fromRevision);
        return stored.slice(from, from + count).map(resolvedOf);
      });
    },

    readAll({ direction, fromPosition, maxCount }: ReadAllOptions) {
      return records(() => {
        const count = Number(maxCount ?? log.length);
        if (direction === BACKWARDS) {
          const before =
            fromPosition === START
              ? []
              : fromPosition === undefined || fromPosition === END
                ? log
                : log.filter((record) => record.commit < fromPosition.commit);
          return before.slice().reverse().slice(0, count).map(resolvedOf);
        }
        const from =
          fromPosition === undefined || fromPosition === START
            ? log
            : fromPosition === END
              ? []
              : log.filter((record) => record.commit >= fromPosition.commit);
        return from.slice(0, count).map(resolvedOf);
      });
    },

    subscribeToAll({ fromPosition, filter }: SubscribeToAllOptions): CatchUpSubscription {
      const deliver = (committed: readonly StoredRecord[]): void => {
        committed.filter((record) => passes(record, filter)).forEach((record) => subscription.push(resolvedOf(record)));
      };
      const subscription = new FakeSubscription(() => liveSubscribers.delete(deliver));
      setImmediate(() => {
        if (subscription.isUnsubscribed) return;
        deliver(log.filter((record) => afterPosition(record, fromPosition)));
        subscription.emit('caughtUp');
        liveSubscribers.add(deliver);
      });
      return subscription;
    },

    dispose: async () => undefined,
  };
};
