import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as ClientAppendResult,
  type Direction,
  type EventData,
  type ReadAllOptions as ClientReadAllOptions,
  type ReadPosition,
  type ReadStreamOptions as ClientReadStreamOptions,
  type ResolvedEvent,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import {
  START,
  WrongExpectedRevisionError,
  checkAppendBatch,
  checkExpectedRevision,
  checkMaxCount,
  checkPosition,
  matchesFilter,
  readAllMaxCount,
  readStreamMaxCount,
  recognizeRetry,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamRevision,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionItem,
} from '../eventStore';
import { chainLinks } from '../integrity/chainLinks';
import { genesisHash } from '../integrity/eventHash';
import {
  asBigInt,
  fromClientAppendError,
  fromClientAppendPosition,
  isAfter,
  isStreamNotFound,
  isTransientClientError,
  isUserEvent,
  positionOf,
  recordedEventFrom,
  streamRevisionFrom,
  toClientExpectedRevision,
  toClientPosition,
  toClientReadPosition,
  toClientReadRevision,
  toJsonEventArguments,
} from './esdbMapping';

/**
 * The port over EventStoreDB, through @eventstore/db-client 6.x: the only file that loads the client. The
 * translation is in esdbMapping; this file makes the calls. Needs server 22.6+ (positions on stream reads).
 *
 * The hash chain: every append reads the event it follows (the one at the expected revision, or the stream's last
 * for 'any' and 'stream_exists'), chains the batch onto its hash with recordedAt from this adapter's clock
 * (chainLinks), and appends with that exact expected revision, so that the server refuses a batch chained onto an
 * event that is no longer the last. recordedAt and the hash travel in the event's metadata (esdbMapping). An 'any' or
 * 'stream_exists' append that loses that race to another writer reads again and retries, at most
 * appendRaceAttemptsMax times; for 'no_stream' or an exact revision a conflict is the caller's, as always.
 *
 * Where the server decides differently from the adapters that decide for themselves:
 * - a retried append (the same ids) is recognised by the server for 'no_stream' and an exact revision, and by this
 *   adapter for 'any' and 'stream_exists' while the batch is still the stream's last events;
 * - the server keeps no index of event ids, so an id reused in another stream is stored again, and a batch that
 *   partly repeats stored events is refused as a WrongExpectedRevisionError or stored again (DuplicateEventIdError
 *   only when the repeated events are the stream's last, for 'any' and 'stream_exists');
 * - subscriptions mark CaughtUp when the server says so, which servers before 23.10 never do: on them a
 *   subscription delivers every event but no CaughtUp marker.
 */

/**
 * The calls this adapter makes on @eventstore/db-client's EventStoreDBClient, narrowed to what it uses so that a
 * test can stand in for a server.
 */
export interface EsdbClient {
  appendToStream(
    stream: string,
    events: EventData[],
    options: { expectedRevision: AppendExpectedRevision },
  ): Promise<ClientAppendResult>;
  readStream(stream: string, options: ClientReadStreamOptions): AsyncIterable<ResolvedEvent>;
  readAll(options: ClientReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  /** A catch-up subscription: a readable of AllStreamResolvedEvent that emits 'caughtUp' and 'fellBehind'. */
  subscribeToAll(options: SubscribeToAllOptions): CatchUpSubscription;
  dispose(): Promise<void>;
}

/** The parts of the client's AllStreamSubscription (a Transform) that openSubscription uses. */
export interface CatchUpSubscription extends AsyncIterable<ClientItem> {
  on(event: 'caughtUp' | 'fellBehind', listener: () => void): unknown;
  /** Adds an item to the readable side, after the events received so far. */
  push(item: ClientItem): boolean;
  readonly destroyed: boolean;
  readonly readableLength: number;
  unsubscribe(): Promise<void>;
}

export type EsdbEventStoreOptions = (
  | {
      /** For example esdb://admin:changeit@localhost:2113?tls=false */
      connectionString: string;
    }
  | { client: EsdbClient }
) & {
  /** Stamps recordedAt, which the hash chain covers: the server's own `created` is set only at commit. */
  clock?: () => Date;
};

/** Attempts of an 'any' or 'stream_exists' append that keeps losing the race for the end of its stream. */
const appendRaceAttemptsMax = 5;

/** Records per page when scanning $all, which also holds system events that we skip. */
const allPageRecords = 1_000;
/** Pages one readAll scans before it gives up: a million records that did not match. */
const allPagesMax = 1_000;
/** Records per page when looking back from the end of $all for the last event of ours. */
const headPageRecords = 100;
const headPagesMax = 1_000;
/** Consecutive drops of a subscription before the error reaches its consumer. */
const resubscribeAttemptsMax = 10;
const resubscribeDelayFirstMs = 100;
const resubscribeDelayMaxMs = 5_000;
/** How long a live batch is given to arrive whole before caughtUp is marked after it. */
const liveBatchQuietMs = 25;

export const createEsdbEventStore = ({ clock = () => new Date(), ...server }: EsdbEventStoreOptions): EventStore => {
  const client: EsdbClient =
    'client' in server ? server.client : EventStoreDBClient.connectionString(server.connectionString);
  const subscriptions = new Set<Subscription>();

  /** A missing stream is only reported while its read is iterated. */
  const readStreamRecords = async (stream: string, options: ClientReadStreamOptions): Promise<ResolvedEvent[]> => {
    try {
      return await collect(client.readStream(stream, options));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
  };

  const positionOfRevision = async (stream: string, revision: StreamRevision): Promise<Position> => {
    const [record] = await readStreamRecords(stream, { fromRevision: revision, maxCount: 1 });
    if (record === undefined) throw new Error(`stream ${stream} has no event at revision ${revision}`);
    return positionOf(record);
  };

  const readStream = async (stream: string, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
    const records = await readStreamRecords(stream, {
      direction: readOptions.direction === 'backwards' ? BACKWARDS : FORWARDS,
      fromRevision: toClientReadRevision(readOptions.fromRevision, readOptions.direction),
      maxCount: checkMaxCount(readOptions.maxCount, readStreamMaxCount),
    });
    return records.flatMap((record) => recordedEventFrom(record) ?? []);
  };

  const getStreamRevision = async (stream: string): Promise<StreamRevision | 'no_stream'> => {
    const [last] = await readStreamRecords(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return streamRevisionFrom(last);
  };

  /**
   * Appends the batch chained onto `previous` (undefined: the stream's first events), expecting the server to find
   * the stream at `expected`: previous's revision, or 'no_stream'.
   */
  const appendChained = async (
    stream: string,
    events: readonly NewEvent[],
    expected: 'no_stream' | StreamRevision,
    previous: RecordedEvent | undefined,
  ): Promise<AppendResult> => {
    const recordedAt = clock();
    const links = chainLinks({
      streamName: stream,
      events,
      firstRevision: previous === undefined ? 0n : previous.revision + 1n,
      previousHash: previous === undefined ? genesisHash : hashToChainOnto(previous),
      recordedAt,
    });
    const appended = await client
      .appendToStream(
        stream,
        events.map((event, index) => jsonEvent(toJsonEventArguments(event, links[index], recordedAt))),
        { expectedRevision: toClientExpectedRevision(expected) },
      )
      .catch((error: unknown) => {
        throw fromClientAppendError(error);
      });
    const nextExpectedRevision = asBigInt(appended.nextExpectedRevision);
    // A retry that the server recognises may come back without a position: the first append's is its last event's.
    const position =
      fromClientAppendPosition(appended.position) ?? (await positionOfRevision(stream, nextExpectedRevision));
    return { nextExpectedRevision, position };
  };

  /** 'no_stream' or an exact revision: the server decides the conflict, and recognises a retry. */
  const appendAsExpected = async (
    stream: string,
    events: readonly NewEvent[],
    expected: 'no_stream' | StreamRevision,
  ): Promise<AppendResult> => {
    if (expected === 'no_stream') return appendChained(stream, events, expected, undefined);
    const [previous] = await readStream(stream, { fromRevision: expected, maxCount: 1 });
    if (previous === undefined) {
      throw new WrongExpectedRevisionError(stream, expected, await getStreamRevision(stream));
    }
    return appendChained(stream, events, expected, previous);
  };

  /** 'any' or 'stream_exists': after the stream's last event, whichever it is when the append lands. */
  const appendAtEnd = async (
    stream: string,
    events: readonly NewEvent[],
    expected: 'any' | 'stream_exists',
  ): Promise<AppendResult> => {
    const eventIds = events.map((event) => event.id);
    let lastSeen: StreamRevision | 'no_stream' = 'no_stream';
    for (let attempt = 1; attempt <= appendRaceAttemptsMax; attempt += 1) {
      const streamEnd = await readStream(stream, { direction: 'backwards', maxCount: events.length });
      const retried = recognizeRetry(stream, eventIds, expected, (id) => streamEnd.find((event) => event.id === id));
      if (retried) return retried;
      const [last] = streamEnd;
      lastSeen = last?.revision ?? 'no_stream';
      checkExpectedRevision(stream, expected, lastSeen);
      try {
        return await appendChained(stream, events, lastSeen, last);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        lastSeen = error.actual;
      }
    }
    throw new WrongExpectedRevisionError(stream, expected, lastSeen);
  };

  const appendToStream = async (
    stream: string,
    events: readonly NewEvent[],
    { expectedRevision = 'any' }: AppendOptions = {},
  ): Promise<AppendResult> => {
    checkAppendBatch(events);
    toClientExpectedRevision(expectedRevision); // refuses a negative revision before anything is read
    return expectedRevision === 'any' || expectedRevision === 'stream_exists'
      ? appendAtEnd(stream, events, expectedRevision)
      : appendAsExpected(stream, events, expectedRevision);
  };

  const readAllPage = (fromPosition: ReadPosition, direction: Direction, maxCount: number) =>
    collect(client.readAll({ fromPosition, direction, maxCount }));

  const readAll = async ({ after = START, maxCount, filter }: ReadAllOptions = {}): Promise<RecordedEvent[]> => {
    const countMax = checkMaxCount(maxCount, readAllMaxCount);
    const found: RecordedEvent[] = [];
    let cursor = checkPosition(after);
    for (let page = 0; page < allPagesMax; page += 1) {
      const records = await readAllPage(toClientReadPosition(cursor), FORWARDS, allPageRecords);
      const from = cursor;
      for (const record of records.filter((candidate) => isAfter(candidate, from))) {
        const event = recordedEventFrom(record);
        if (event !== undefined && matchesFilter(event, filter)) {
          found.push(event);
          if (found.length === countMax) return found;
        }
      }
      const last = records.at(-1);
      if (last === undefined || records.length < allPageRecords) return found;
      cursor = positionOf(last);
    }
    throw new Error(
      `readAll after ${after} scanned ${allPagesMax * allPageRecords} records of $all up to ${cursor} ` +
        `and found ${found.length} of the ${countMax} events asked for; it stops there to stay bounded`,
    );
  };

  const headPosition = async (): Promise<Position> => {
    let from: ReadPosition = END;
    for (let page = 0; page < headPagesMax; page += 1) {
      const records = await readAllPage(from, BACKWARDS, headPageRecords);
      const lastOfOurs = records.find(isUserEvent);
      if (lastOfOurs !== undefined) return positionOf(lastOfOurs);
      const earliest = records.at(-1);
      if (earliest === undefined || records.length < headPageRecords) return START;
      from = toClientPosition(positionOf(earliest));
    }
    throw new Error(`headPosition found only system events in the last ${headPagesMax * headPageRecords} records`);
  };

  const subscribeToAll = (options: SubscribeOptions = {}): Subscription => {
    const subscription = openSubscription(client, options, () => subscriptions.delete(subscription));
    subscriptions.add(subscription);
    return subscription;
  };

  return {
    appendToStream,
    readStream,
    getStreamRevision,
    readAll,
    headPosition,
    subscribeToAll,
    close: async () => {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await client.dispose();
    },
  };
};

/**
 * The hash a new event chains onto. An event written before the chain has none, and nothing can be chained onto it
 * without vouching for it: such a stream takes no further appends until it is migrated.
 */
const hashToChainOnto = (previous: RecordedEvent): string => {
  if (previous.hash === undefined) {
    throw new Error(
      `stream ${previous.streamName}: its event at revision ${previous.revision} was written before the hash ` +
        'chain and carries no hash, so no event can be chained onto it',
    );
  }
  return previous.hash;
};

/** Reads are bounded by their maxCount, so collecting one is too. */
const collect = async <Record>(read: AsyncIterable<Record>): Promise<Record[]> => {
  const records: Record[] = [];
  for await (const record of read) records.push(record);
  return records;
};

/**
 * What a subscription learns beside its events: the client's caughtUp and fellBehind, and the end of a live
 * batch, which the server never marks. Pushed into the client's stream as they happen, they come out after
 * exactly the events received before them.
 */
type Signal = 'caughtUp' | 'fellBehind' | 'liveBatchEnded';
export type ClientItem = AllStreamResolvedEvent | { signal: Signal };

const isSignal = (item: ClientItem): item is { signal: Signal } => 'signal' in item;

interface SignalledSubscription {
  items: AsyncIterable<ClientItem>;
  /**
   * Once no received event waits to be read, signals the end of the live batch liveBatchQuietMs later, so that
   * the rest of a batch still on its way comes before it.
   */
  endLiveBatchWhenDrained(): void;
  close(): Promise<void>;
}

const withSignals = (subscription: CatchUpSubscription): SignalledSubscription => {
  let batchEndTimer: NodeJS.Timeout | undefined;
  // The client's subscription is a Transform: pushing once its writable side has ended would fail it.
  const hasEnded = (): boolean =>
    subscription.destroyed || ('writableEnded' in subscription && subscription.writableEnded === true);
  const push = (signal: Signal): void => {
    if (!hasEnded()) subscription.push({ signal });
  };
  subscription.on('caughtUp', () => push('caughtUp'));
  subscription.on('fellBehind', () => push('fellBehind'));
  return {
    items: subscription,
    endLiveBatchWhenDrained: () => {
      if (subscription.readableLength > 0) return;
      batchEndTimer ??= setTimeout(() => {
        batchEndTimer = undefined;
        push('liveBatchEnded');
      }, liveBatchQuietMs).unref();
    },
    close: async () => {
      clearTimeout(batchEndTimer);
      await subscription.unsubscribe();
    },
  };
};

const resubscribeDelayMs = (failures: number): number =>
  Math.min(resubscribeDelayFirstMs * 2 ** (failures - 1), resubscribeDelayMaxMs);

/**
 * A catch-up subscription to $all that delivers its items one at a time, at its consumer's pace, and resubscribes
 * after the last event it received when the connection drops: the client reconnects on its next call, never on
 * the one that failed.
 */
const openSubscription = (
  client: EsdbClient,
  { after = START, filter }: SubscribeOptions,
  onClose: () => void,
): Subscription => {
  checkPosition(after);
  let closed = false;
  let current: SignalledSubscription | undefined;
  const stopWaiting = new AbortController();

  async function* deliver(): AsyncGenerator<SubscriptionItem> {
    /** The last event received, delivered or skipped by the filter: where caughtUp is and where to resubscribe. */
    let received = after;
    let failures = 0;
    let lastDrop: unknown;
    while (!closed) {
      const signalled = withSignals(
        client.subscribeToAll({ fromPosition: toClientReadPosition(received), filter: excludeSystemEvents() }),
      );
      current = signalled;
      let live = false;
      let receivedSinceCaughtUp = false;
      try {
        for await (const item of signalled.items) {
          if (closed) return;
          if (isSignal(item)) {
            live = item.signal === 'caughtUp' || (live && item.signal !== 'fellBehind');
            const batchEnded = item.signal === 'liveBatchEnded' && live && receivedSinceCaughtUp;
            if (item.signal === 'caughtUp' || batchEnded) {
              receivedSinceCaughtUp = false;
              yield { kind: 'caughtUp', position: received };
            }
            continue;
          }
          failures = 0;
          received = positionOf(item);
          receivedSinceCaughtUp = true;
          const event = recordedEventFrom(item);
          if (event !== undefined && matchesFilter(event, filter)) yield event;
          if (live) signalled.endLiveBatchWhenDrained();
        }
        lastDrop = new Error('the server ended the subscription');
      } catch (error) {
        if (!closed && !isTransientClientError(error)) throw error;
        lastDrop = error;
      } finally {
        await signalled.close();
      }
      if (closed) return;
      failures += 1;
      if (failures > resubscribeAttemptsMax) {
        throw new Error(`the subscription to $all dropped ${resubscribeAttemptsMax} times in a row`, {
          cause: lastDrop,
        });
      }
      await sleep(resubscribeDelayMs(failures), undefined, { signal: stopWaiting.signal }).catch(() => undefined);
    }
  }

  const items = deliver();
  return {
    [Symbol.asyncIterator]: () => items,
    close: async () => {
      closed = true;
      stopWaiting.abort();
      onClose();
      await current?.close();
    },
  };
};
