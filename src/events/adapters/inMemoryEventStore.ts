import {
  START,
  checkAppendBatch,
  checkExpectedRevision,
  checkMaxCount,
  checkPosition,
  matchesFilter,
  positionFromNumber,
  readAllMaxCount,
  readStreamMaxCount,
  recognizeRetry,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredEvent,
  type StreamRevision,
} from '../eventStore';
import { chainLinks } from '../integrity/chainLinks';
import { genesisHash } from '../integrity/eventHash';
import { createPollingSubscriptions, type ReadPage } from '../pollingSubscription';

/**
 * The reference implementation of the port: the whole log in one array, the event at index i at position i + 1.
 * Data and metadata are kept as JSON text, as a durable store keeps them, so that callers never share objects
 * with the store and get back exactly what the other adapters would give them. Every event carries its link in
 * its stream's hash chain (chainLinks), as the SQLite adapter stores it.
 */

export interface InMemoryEventStoreOptions {
  clock?: () => Date;
}

/** As the port's StoredEvent, with the link always present: this store chains every event it keeps. */
type KeptEvent = StoredEvent & { hash: string };

export const createInMemoryEventStore = (options: InMemoryEventStoreOptions = {}): EventStore => {
  const clock = options.clock ?? (() => new Date());
  const log: KeptEvent[] = [];
  const streams = new Map<string, KeptEvent[]>();
  const eventsById = new Map<string, KeptEvent>();

  const readMatching = ({ after = START, maxCount, filter }: ReadAllOptions = {}): RecordedEvent[] => {
    const countMax = checkMaxCount(maxCount, readAllMaxCount);
    const found: RecordedEvent[] = [];
    for (let index = Number(checkPosition(after)); index < log.length && found.length < countMax; index += 1) {
      if (matchesFilter(log[index], filter)) found.push(toRecordedEvent(log[index]));
    }
    return found;
  };
  const readAll = async (options?: ReadAllOptions): Promise<RecordedEvent[]> => readMatching(options);

  const readAllStored = async ({ after = START, maxCount }: Omit<ReadAllOptions, 'filter'> = {}) => {
    const first = Number(checkPosition(after));
    return log.slice(first, first + checkMaxCount(maxCount, readAllMaxCount)).map((event) => ({ ...event }));
  };

  const readPage: ReadPage = async (after, maxCount, filter) => ({
    events: readMatching({ after, maxCount, filter }),
    head: positionFromNumber(log.length),
  });
  const subscriptions = createPollingSubscriptions();

  const appendToStream = async (
    stream: string,
    events: readonly NewEvent[],
    { expectedRevision = 'any' }: AppendOptions = {},
  ): Promise<AppendResult> => {
    checkAppendBatch(events);
    const ids = events.map((event) => event.id);
    const retried = recognizeRetry(stream, ids, expectedRevision, (id) => eventsById.get(id));
    if (retried) return retried;
    const streamEvents = streams.get(stream) ?? [];
    checkExpectedRevision(stream, expectedRevision, lastRevision(streamEvents));
    const recordedAt = clock();
    // Every link is computed before any event is stored, so that a failure stores none of the batch.
    const links = chainLinks({
      streamName: stream,
      events,
      firstRevision: BigInt(streamEvents.length),
      previousHash: streamEvents.at(-1)?.hash ?? genesisHash,
      recordedAt,
    });
    const stored = events.map((event, index) => ({
      streamName: stream,
      revision: links[index].revision,
      position: positionFromNumber(log.length + index + 1),
      id: event.id,
      type: event.type,
      dataJson: links[index].dataJson,
      metadataJson: links[index].metadataJson,
      recordedAt: recordedAt.toISOString(),
      hash: links[index].hash,
    }));
    for (const event of stored) {
      log.push(event);
      streamEvents.push(event);
      eventsById.set(event.id, event);
    }
    streams.set(stream, streamEvents);
    subscriptions.wakeAll();
    const last = streamEvents[streamEvents.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  };

  const readStream = async (stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
    const countMax = checkMaxCount(options.maxCount, readStreamMaxCount);
    const streamEvents = streams.get(stream) ?? [];
    const selected =
      options.direction === 'backwards'
        ? readBackwards(streamEvents, options.fromRevision, countMax)
        : readForwards(streamEvents, options.fromRevision, countMax);
    return selected.map(toRecordedEvent);
  };

  return {
    appendToStream,
    readStream,
    getStreamRevision: async (stream) => lastRevision(streams.get(stream) ?? []),
    readAll,
    headPosition: async () => positionFromNumber(log.length),
    readAllStored,
    subscribeToAll: (subscribeOptions) => subscriptions.subscribe(readPage, subscribeOptions),
    close: () => subscriptions.closeAll(),
  };
};

const lastRevision = (streamEvents: readonly KeptEvent[]): StreamRevision | 'no_stream' =>
  streamEvents.length === 0 ? 'no_stream' : BigInt(streamEvents.length - 1);

/** A stream's events sit at the index equal to their revision; clamped to one step outside the stream. */
const indexOfRevision = (revision: StreamRevision, streamLength: number): number =>
  Number(revision < -1n ? -1n : revision > BigInt(streamLength) ? BigInt(streamLength) : revision);

const readForwards = (
  streamEvents: readonly KeptEvent[],
  fromRevision: StreamRevision | undefined,
  countMax: number,
): KeptEvent[] => {
  const first = Math.max(0, indexOfRevision(fromRevision ?? 0n, streamEvents.length));
  return streamEvents.slice(first, first + countMax);
};

const readBackwards = (
  streamEvents: readonly KeptEvent[],
  fromRevision: StreamRevision | undefined,
  countMax: number,
): KeptEvent[] => {
  const lastIndex = streamEvents.length - 1;
  const from =
    fromRevision === undefined ? lastIndex : Math.min(lastIndex, indexOfRevision(fromRevision, streamEvents.length));
  return streamEvents.slice(Math.max(0, from - countMax + 1), from + 1).reverse();
};

const toRecordedEvent = (event: KeptEvent): RecordedEvent => ({
  id: event.id,
  type: event.type,
  data: JSON.parse(event.dataJson) as unknown,
  metadata: JSON.parse(event.metadataJson) as RecordedEvent['metadata'],
  streamName: event.streamName,
  revision: event.revision,
  position: event.position,
  recordedAt: new Date(event.recordedAt),
  hash: event.hash,
});
