import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  DuplicateEventIdError,
  InvalidStoreArgumentError,
  WrongExpectedRevisionError,
  appendBatchMaxEvents,
  comparePositions,
  isCaughtUp,
  isPosition,
  readAllMaxCount,
  readStreamMaxCount,
  type EventStore,
  type FoldedEvent,
  type NewEvent,
  type Position,
  type RecordedEvent,
  type Subscription,
  type SubscriptionItem,
} from '../../src/events/eventStore';
import { canonicalTextsDigest, eventDigest, genesisHash, isEventHash } from '../../src/events/integrity/eventHash';

/**
 * The one suite every EventStore adapter must pass. Each test writes to streams of its own, under a prefix no
 * other test uses, so the suite can run against a shared server that is never reset: it assumes nothing about
 * the global log beyond what it wrote, and compares positions only with positions it observed.
 */

export type EventStoreFactory = () => Promise<{ store: EventStore; dispose: () => Promise<void> }>;

/** How long a subscription test waits for its next item before failing: short, because no store needs longer. */
const itemWaitMs = 2_000;
/** Items a test skips while waiting for a particular one (caughtUp markers, mostly). */
const skippedItemsMax = 100;
/** Pages the paging test reads at most: far more than its events need. */
const pagesMax = 50;
/** Long enough for a caught-up subscription with nothing to read to have settled into waiting. */
const settleMs = 30;

const uniquePrefix = (): string => `contract_${randomUUID()}-`;
const uniqueStream = (prefix = uniquePrefix()): string => `${prefix}subject-${randomUUID()}`;

const deedRecorded = (data: unknown = { points: 5, sector: 'volunteering' }): NewEvent => ({
  id: uuidv7(),
  type: 'DeedRecorded',
  data,
  metadata: { schemaVersion: 1, actorId: 'official-1' },
});

const violationRecorded = (): NewEvent => ({
  id: uuidv7(),
  type: 'ViolationRecorded',
  data: { points: -10, severity: 'general' },
  metadata: { schemaVersion: 1, actorId: 'official-2' },
});

const deeds = (count: number): NewEvent[] => Array.from({ length: count }, () => deedRecorded());

const idsOf = (events: readonly { id: string }[]): string[] => events.map((event) => event.id);

/** A filter on streams no test writes to. */
const ownStreams = (): { streamPrefixes: string[] } => ({ streamPrefixes: [uniquePrefix()] });

const summaryOf = (item: SubscriptionItem): string => (isCaughtUp(item) ? 'caughtUp' : item.id);

/** The error a promise rejects with; fails the test if it fulfils. */
const refusalOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the store to refuse, and it accepted');
};

/** A stream's hashes as an auditor recomputes them: each event's digest chained onto the one before it. */
const recomputedChain = (streamEvents: readonly RecordedEvent[]): string[] => {
  let previousHash = genesisHash;
  return streamEvents.map((event) => (previousHash = eventDigest(event, previousHash)));
};

const hashesOf = (events: readonly RecordedEvent[]): (string | undefined)[] => events.map((event) => event.hash);

/** Concurrent callers in the race test: within the retries an adapter that appends optimistically makes. */
const concurrentCallers = 4;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const within = async <T>(promise: Promise<T>, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${itemWaitMs} ms`)), itemWaitMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const nextItem = async <Event extends FoldedEvent = RecordedEvent>(
  items: AsyncIterator<SubscriptionItem<Event>>,
): Promise<SubscriptionItem<Event>> => {
  const result = await within(items.next(), 'subscription item');
  if (result.done) throw new Error('the subscription ended');
  return result.value;
};

const take = async <Event extends FoldedEvent = RecordedEvent>(
  items: AsyncIterator<SubscriptionItem<Event>>,
  count: number,
): Promise<SubscriptionItem<Event>[]> => {
  const taken: SubscriptionItem<Event>[] = [];
  for (let index = 0; index < count; index += 1) taken.push(await nextItem(items));
  return taken;
};

const nextEvent = async (items: AsyncIterator<SubscriptionItem>): Promise<RecordedEvent> => {
  for (let skipped = 0; skipped < skippedItemsMax; skipped += 1) {
    const item = await nextItem(items);
    if (!isCaughtUp(item)) return item;
  }
  throw new Error(`no event among ${skippedItemsMax} items`);
};

const nextCaughtUpAt = async (items: AsyncIterator<SubscriptionItem>, position: Position): Promise<void> => {
  for (let skipped = 0; skipped < skippedItemsMax; skipped += 1) {
    const item = await nextItem(items);
    if (!isCaughtUp(item)) throw new Error(`expected only caughtUp markers, got event ${item.id}`);
    if (comparePositions(item.position, position) >= 0) return;
  }
  throw new Error(`no caughtUp at ${position} among ${skippedItemsMax} items`);
};

const closeAfter = async <T, Event extends FoldedEvent = RecordedEvent>(
  subscription: Subscription<Event>,
  use: () => Promise<T>,
): Promise<T> => {
  try {
    return await use();
  } finally {
    await subscription.close();
  }
};

/**
 * What an adapter guarantees beyond the port's core, declared by each adapter's suite: the cases of a capability it
 * lacks show as skipped, and those of one it claims run. EventStoreDB keeps no index of event ids across revisions
 * and streams, so it cannot refuse an id reused outside an exact retry; nor does its adapter offer the optional
 * readAllStored and subscribeToFold.
 */
export interface StoreCapabilities {
  refusesReusedEventIds: boolean;
  /** Offers EventStore.readAllStored. */
  readsAllAsStored: boolean;
  /** Offers EventStore.subscribeToFold. */
  subscribesForFolds: boolean;
}

export const describeEventStoreContract = (
  name: string,
  factory: EventStoreFactory,
  capabilities: StoreCapabilities,
): void => {
  const itRefusingReusedIds = capabilities.refusesReusedEventIds ? it : it.skip;
  const itReadingAllAsStored = capabilities.readsAllAsStored ? it : it.skip;
  const itSubscribingForFolds = capabilities.subscribesForFolds ? it : it.skip;
  describe(`the ${name} event store`, () => {
    let store: EventStore;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await factory());
    });
    afterAll(() => dispose());

    /** The optional methods the adapter claims: a claim it does not keep fails here, not as a skip. */
    const readAllStored: NonNullable<EventStore['readAllStored']> = (options) => {
      if (!store.readAllStored) throw new Error(`the ${name} event store claims readAllStored and lacks it`);
      return store.readAllStored(options);
    };
    const subscribeToFold: NonNullable<EventStore['subscribeToFold']> = (options) => {
      if (!store.subscribeToFold) throw new Error(`the ${name} event store claims subscribeToFold and lacks it`);
      return store.subscribeToFold(options);
    };

    it('offers the optional methods it claims, and no other', () => {
      expect({
        readsAllAsStored: typeof store.readAllStored === 'function',
        subscribesForFolds: typeof store.subscribeToFold === 'function',
      }).toEqual({
        readsAllAsStored: capabilities.readsAllAsStored,
        subscribesForFolds: capabilities.subscribesForFolds,
      });
    });

    describe('appending with an expected revision', () => {
      it('starts a stream at revision 0 when no_stream is expected', async () => {
        const result = await store.appendToStream(uniqueStream(), [deedRecorded()], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(0n);
      });

      it('refuses no_stream when the stream exists', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const error = await refusalOf(
          store.appendToStream(stream, [deedRecorded()], { expectedRevision: 'no_stream' }),
        );
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected: 'no_stream', actual: 0n });
      });

      it('refuses stream_exists when the stream is missing', async () => {
        const stream = uniqueStream();
        const error = await refusalOf(
          store.appendToStream(stream, [deedRecorded()], { expectedRevision: 'stream_exists' }),
        );
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected: 'stream_exists', actual: 'no_stream' });
      });

      it('appends with stream_exists when the stream exists', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const result = await store.appendToStream(stream, [deedRecorded()], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('appends when the expected revision is the stream revision', async () => {
        const stream = uniqueStream();
        const first = await store.appendToStream(stream, [deedRecorded()]);
        const second = await store.appendToStream(stream, [deedRecorded()], {
          expectedRevision: first.nextExpectedRevision,
        });
        expect(second.nextExpectedRevision).toBe(1n);
      });

      it('refuses a stale expected revision, saying what it expected and what it found', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, deeds(2));
        const error = await refusalOf(store.appendToStream(stream, [deedRecorded()], { expectedRevision: 0n }));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected: 0n, actual: 1n });
      });

      it('always appends when any revision is expected', async () => {
        const stream = uniqueStream();
        const onMissing = await store.appendToStream(stream, [deedRecorded()], { expectedRevision: 'any' });
        const onExisting = await store.appendToStream(stream, [deedRecorded()], { expectedRevision: 'any' });
        expect([onMissing.nextExpectedRevision, onExisting.nextExpectedRevision]).toEqual([0n, 1n]);
      });

      it('expects any revision when none is given', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const result = await store.appendToStream(stream, [deedRecorded()]);
        expect(result.nextExpectedRevision).toBe(1n);
      });
    });

    describe('appending a batch', () => {
      it('gives the events of a batch contiguous revisions after the stream revision', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const result = await store.appendToStream(stream, deeds(3), { expectedRevision: 0n });
        const recorded = await store.readStream(stream);
        expect(recorded.map((event) => event.revision)).toEqual([0n, 1n, 2n, 3n]);
        expect(result.nextExpectedRevision).toBe(3n);
      });

      it('gives strictly increasing positions within a batch', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, deeds(5));
        const positions = (await store.readStream(stream)).map((event) => event.position);
        positions.slice(1).forEach((position, index) => expect(comparePositions(positions[index], position)).toBe(-1));
      });

      it('gives strictly increasing positions across streams, in append order', async () => {
        const first = await store.appendToStream(uniqueStream(), deeds(2));
        const second = await store.appendToStream(uniqueStream(), deeds(2));
        const third = await store.appendToStream(uniqueStream(), [deedRecorded()]);
        expect(comparePositions(first.position, second.position)).toBe(-1);
        expect(comparePositions(second.position, third.position)).toBe(-1);
      });

      it('returns the position of the last event it appended', async () => {
        const stream = uniqueStream();
        const result = await store.appendToStream(stream, deeds(3));
        const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        expect(result.position).toBe(last.position);
      });

      it('writes none of a batch whose expected revision is refused', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        await refusalOf(store.appendToStream(stream, deeds(3), { expectedRevision: 'no_stream' }));
        expect(await store.getStreamRevision(stream)).toBe(0n);
      });

      it('writes none of a batch when one of its events cannot be stored', async () => {
        const stream = uniqueStream();
        const unserialisable = deedRecorded({ points: 5n });
        await refusalOf(store.appendToStream(stream, [deedRecorded(), unserialisable, deedRecorded()]));
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('retrying an append', () => {
      it('writes nothing and returns the first result when the same events come at the same revision', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const batch = deeds(2);
        const first = await store.appendToStream(stream, batch, { expectedRevision: 0n });
        const retry = await store.appendToStream(stream, batch, { expectedRevision: 0n });
        expect(retry).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('returns the first result of a no_stream append retried after the stream has moved on', async () => {
        const stream = uniqueStream();
        const batch = [deedRecorded()];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, [deedRecorded()], { expectedRevision: 0n });
        const retry = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(retry).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      itRefusingReusedIds(
        'refuses a batch that partly repeats events already stored, and writes none of it',
        async () => {
          const stream = uniqueStream();
          const stored = deedRecorded();
          await store.appendToStream(stream, [stored], { expectedRevision: 'no_stream' });
          const error = await refusalOf(
            store.appendToStream(stream, [stored, deedRecorded()], { expectedRevision: 0n }),
          );
          expect(error).toBeInstanceOf(DuplicateEventIdError);
          expect(error).toMatchObject({ stream, eventId: stored.id });
          expect(await store.readStream(stream)).toHaveLength(1);
        },
      );

      itRefusingReusedIds('refuses an event whose id is stored in another stream', async () => {
        const event = deedRecorded();
        await store.appendToStream(uniqueStream(), [event]);
        const error = await refusalOf(store.appendToStream(uniqueStream(), [event]));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
      });

      itRefusingReusedIds('refuses stored events appended again at a revision they were not written at', async () => {
        const stream = uniqueStream();
        const event = deedRecorded();
        await store.appendToStream(stream, [event], { expectedRevision: 'no_stream' });
        const error = await refusalOf(store.appendToStream(stream, [event], { expectedRevision: 0n }));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('refusing malformed arguments', () => {
      it('refuses an empty batch', async () => {
        expect(await refusalOf(store.appendToStream(uniqueStream(), []))).toBeInstanceOf(InvalidStoreArgumentError);
      });

      it(`refuses a batch of more than ${appendBatchMaxEvents} events`, async () => {
        const oversized = deeds(appendBatchMaxEvents + 1);
        expect(await refusalOf(store.appendToStream(uniqueStream(), oversized))).toBeInstanceOf(
          InvalidStoreArgumentError,
        );
      });

      it('refuses a batch that repeats an event id', async () => {
        const event = deedRecorded();
        expect(await refusalOf(store.appendToStream(uniqueStream(), [event, event]))).toBeInstanceOf(
          InvalidStoreArgumentError,
        );
      });

      it.each([0, -1, 1.5, readStreamMaxCount + 1])('refuses reading a stream with maxCount %p', async (maxCount) => {
        expect(await refusalOf(store.readStream(uniqueStream(), { maxCount }))).toBeInstanceOf(
          InvalidStoreArgumentError,
        );
      });

      it.each([0, readAllMaxCount + 1])('refuses reading all with maxCount %p', async (maxCount) => {
        expect(await refusalOf(store.readAll({ maxCount }))).toBeInstanceOf(InvalidStoreArgumentError);
      });

      it.each(['12', 'start', '-0000000000000000001'])('refuses reading all after the position %p', async (after) => {
        expect(await refusalOf(store.readAll({ after }))).toBeInstanceOf(InvalidStoreArgumentError);
      });

      it('refuses subscribing after a malformed position', () => {
        expect(() => store.subscribeToAll({ after: 'end' })).toThrow(InvalidStoreArgumentError);
      });
    });

    describe('reading the log as stored, where the adapter offers it', () => {
      itReadingAllAsStored(
        'gives the events readAll gives, with data and metadata as the text that parses to them',
        async () => {
          const head = await store.headPosition();
          const stream = uniqueStream();
          await store.appendToStream(stream, [deedRecorded({ points: 3, note: 'zebra before apple' }), ...deeds(2)]);
          const recorded = await store.readAll({ after: head });
          const stored = await readAllStored({ after: head });
          expect(stored.map((event) => [event.position, event.id, event.revision, event.hash])).toEqual(
            recorded.map((event) => [event.position, event.id, event.revision, event.hash]),
          );
          expect(stored.map((event) => JSON.parse(event.dataJson) as unknown)).toEqual(
            recorded.map((event) => event.data),
          );
          expect(stored.map((event) => event.recordedAt)).toEqual(
            recorded.map((event) => event.recordedAt.toISOString()),
          );
        },
      );

      itReadingAllAsStored(
        'stores data as canonical JSON, so that the stored text is what its hash covers',
        async () => {
          const head = await store.headPosition();
          await store.appendToStream(uniqueStream(), [deedRecorded({ points: 3, note: 'zebra before apple' })]);
          const [stored] = await readAllStored({ after: head });
          expect(stored?.dataJson).toBe('{"note":"zebra before apple","points":3}');
          expect(stored && canonicalTextsDigest(stored, genesisHash)).toBe(stored?.hash);
        },
      );
    });

    describe('reading a stream', () => {
      const appendFour = async (): Promise<{ stream: string; ids: string[] }> => {
        const stream = uniqueStream();
        const events = deeds(4);
        await store.appendToStream(stream, events);
        return { stream, ids: idsOf(events) };
      };

      it('reads a missing stream as no events', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
      });

      it('gives no_stream as the revision of a missing stream', async () => {
        expect(await store.getStreamRevision(uniqueStream())).toBe('no_stream');
      });

      it('gives the revision of the last event as the stream revision', async () => {
        const { stream } = await appendFour();
        expect(await store.getStreamRevision(stream)).toBe(3n);
      });

      it('reads forwards from the first event by default', async () => {
        const { stream, ids } = await appendFour();
        expect(idsOf(await store.readStream(stream))).toEqual(ids);
      });

      it('reads forwards from fromRevision, inclusive', async () => {
        const { stream, ids } = await appendFour();
        expect(idsOf(await store.readStream(stream, { fromRevision: 2n }))).toEqual(ids.slice(2));
      });

      it('reads forwards at most maxCount events', async () => {
        const { stream, ids } = await appendFour();
        expect(idsOf(await store.readStream(stream, { fromRevision: 1n, maxCount: 2 }))).toEqual(ids.slice(1, 3));
      });

      it('reads nothing forwards from a revision past the end', async () => {
        const { stream } = await appendFour();
        expect(await store.readStream(stream, { fromRevision: 4n })).toEqual([]);
      });

      it('reads backwards from the last event by default', async () => {
        const { stream, ids } = await appendFour();
        expect(idsOf(await store.readStream(stream, { direction: 'backwards' }))).toEqual([...ids].reverse());
      });

      it('reads backwards from fromRevision, inclusive', async () => {
        const { stream, ids } = await appendFour();
        const read = await store.readStream(stream, { direction: 'backwards', fromRevision: 2n });
        expect(idsOf(read)).toEqual(ids.slice(0, 3).reverse());
      });

      it('reads backwards at most maxCount events', async () => {
        const { stream, ids } = await appendFour();
        const read = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
        expect(idsOf(read)).toEqual(ids.slice(2).reverse());
      });

      it('gives back type, data and metadata exactly as appended, Unicode and nesting included', async () => {
        const stream = uniqueStream();
        const event: NewEvent = {
          id: uuidv7(),
          type: 'DeedRecorded',
          data: {
            description: '荣成市 志愿服务 — “volunteer” café 🎉',
            evidence: [{ kind: 'volunteerHoursCert', hours: 12.5, verified: true, notes: null }],
            nested: { depth: { deeper: ['a', 1, false, { empty: {} }] } },
          },
          metadata: { schemaVersion: 2, actorId: 'official-7', correlationId: uuidv7(), idempotencyKey: 'κλειδί' },
        };
        await store.appendToStream(stream, [event]);
        const [recorded] = await store.readStream(stream);
        expect({ id: recorded.id, type: recorded.type, data: recorded.data, metadata: recorded.metadata }).toEqual(
          event,
        );
        expect(recorded.streamName).toBe(stream);
      });

      it('gives revisions as bigints', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const [recorded] = await store.readStream(stream);
        expect(typeof recorded.revision).toBe('bigint');
      });

      it('gives recordedAt as a Date', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const [recorded] = await store.readStream(stream);
        expect(recorded.recordedAt).toBeInstanceOf(Date);
        expect(Number.isNaN(recorded.recordedAt.getTime())).toBe(false);
      });
    });

    describe('reading all', () => {
      it('reads events across streams in the order they were appended', async () => {
        const prefix = uniquePrefix();
        const [first, second] = [uniqueStream(prefix), uniqueStream(prefix)];
        const appended = [deedRecorded(), violationRecorded(), deedRecorded(), deedRecorded()];
        await store.appendToStream(first, appended.slice(0, 1));
        await store.appendToStream(second, appended.slice(1, 2));
        await store.appendToStream(first, appended.slice(2, 4));
        const read = await store.readAll({ filter: { streamPrefixes: [prefix] } });
        expect(idsOf(read)).toEqual(idsOf(appended));
      });

      it('reads after a position exclusively', async () => {
        const prefix = uniquePrefix();
        const stream = uniqueStream(prefix);
        const appended = deeds(3);
        await store.appendToStream(stream, appended);
        const [first] = await store.readStream(stream, { maxCount: 1 });
        const read = await store.readAll({ after: first.position, filter: { streamPrefixes: [prefix] } });
        expect(idsOf(read)).toEqual(idsOf(appended.slice(1)));
      });

      it('filters by event type', async () => {
        const prefix = uniquePrefix();
        const violation = violationRecorded();
        await store.appendToStream(uniqueStream(prefix), [deedRecorded(), violation, deedRecorded()]);
        const read = await store.readAll({ filter: { streamPrefixes: [prefix], eventTypes: ['ViolationRecorded'] } });
        expect(idsOf(read)).toEqual([violation.id]);
      });

      it('filters by stream prefix', async () => {
        const prefix = uniquePrefix();
        const wanted = deedRecorded();
        await store.appendToStream(uniqueStream(`${prefix}appeal-`), [wanted]);
        await store.appendToStream(uniqueStream(`${prefix}listing-`), [deedRecorded()]);
        const read = await store.readAll({ filter: { streamPrefixes: [`${prefix}appeal-`] } });
        expect(idsOf(read)).toEqual([wanted.id]);
      });

      it('visits every event exactly once when paging with maxCount and after', async () => {
        const prefix = uniquePrefix();
        let after = await store.headPosition();
        const appended = [...deeds(4), ...deeds(3)];
        await store.appendToStream(uniqueStream(prefix), appended.slice(0, 4));
        await store.appendToStream(uniqueStream(prefix), appended.slice(4));
        const visited: string[] = [];
        for (let page = 0; page < pagesMax; page += 1) {
          const read = await store.readAll({ after, maxCount: 3, filter: { streamPrefixes: [prefix] } });
          if (read.length === 0) break;
          visited.push(...idsOf(read));
          after = read[read.length - 1].position;
        }
        expect(visited).toEqual(idsOf(appended));
      });

      it('moves the head position up to the last appended event', async () => {
        const before = await store.headPosition();
        const result = await store.appendToStream(uniqueStream(), [deedRecorded()]);
        const head = await store.headPosition();
        expect(isPosition(head)).toBe(true);
        expect(comparePositions(before, result.position)).toBe(-1);
        expect(comparePositions(head, result.position)).toBeGreaterThanOrEqual(0);
      });

      it('gives positions as strings, so a recorded event serialises to JSON without bigints', async () => {
        const stream = uniqueStream();
        const result = await store.appendToStream(stream, [deedRecorded()]);
        const [recorded] = await store.readStream(stream);
        const withRevisionAsText = { ...recorded, revision: recorded.revision.toString() };
        const json = JSON.parse(JSON.stringify(withRevisionAsText)) as { position: unknown };
        expect(json.position).toBe(recorded.position);
        expect(typeof result.position).toBe('string');
      });
    });

    describe('subscribing to all', () => {
      it('delivers the history, then caughtUp, then events appended afterwards', async () => {
        const prefix = uniquePrefix();
        const after = await store.headPosition();
        const history = deeds(2);
        await store.appendToStream(uniqueStream(prefix), history);
        const subscription = store.subscribeToAll({ after, filter: { streamPrefixes: [prefix] } });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect((await take(items, 3)).map(summaryOf)).toEqual([...idsOf(history), 'caughtUp']);
          const live = deedRecorded();
          await store.appendToStream(uniqueStream(prefix), [live]);
          expect((await nextEvent(items)).id).toBe(live.id);
        });
      });

      it('marks caughtUp again after each live batch', async () => {
        const prefix = uniquePrefix();
        const after = await store.headPosition();
        const subscription = store.subscribeToAll({ after, filter: { streamPrefixes: [prefix] } });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect(isCaughtUp(await nextItem(items))).toBe(true);
          const live = deeds(2);
          await store.appendToStream(uniqueStream(prefix), live);
          expect((await take(items, 3)).map(summaryOf)).toEqual([...idsOf(live), 'caughtUp']);
        });
      });

      it('resumes from a saved position with exactly the events after it', async () => {
        const prefix = uniquePrefix();
        const stream = uniqueStream(prefix);
        const appended = deeds(3);
        await store.appendToStream(stream, appended);
        const [saved] = await store.readStream(stream, { maxCount: 1 });
        const subscription = store.subscribeToAll({ after: saved.position, filter: { streamPrefixes: [prefix] } });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect((await take(items, 3)).map(summaryOf)).toEqual([...idsOf(appended.slice(1)), 'caughtUp']);
        });
      });

      it('delivers only the events its filter matches', async () => {
        const prefix = uniquePrefix();
        const after = await store.headPosition();
        const violation = violationRecorded();
        await store.appendToStream(uniqueStream(prefix), [deedRecorded(), violation, deedRecorded()]);
        const subscription = store.subscribeToAll({
          after,
          filter: { streamPrefixes: [prefix], eventTypes: ['ViolationRecorded'] },
        });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect((await take(items, 2)).map(summaryOf)).toEqual([violation.id, 'caughtUp']);
        });
      });

      it('moves caughtUp past the events its filter skips', async () => {
        const prefix = uniquePrefix();
        const subscription = store.subscribeToAll({
          after: await store.headPosition(),
          filter: { streamPrefixes: [prefix], eventTypes: ['ViolationRecorded'] },
        });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect(isCaughtUp(await nextItem(items))).toBe(true);
          const skipped = await store.appendToStream(uniqueStream(prefix), [deedRecorded()]);
          await nextCaughtUpAt(items, skipped.position);
        });
      });

      it('delivers every match, once and in order, across more skipped events than a page holds', async () => {
        const prefix = uniquePrefix();
        const after = await store.headPosition();
        const stream = uniqueStream(prefix);
        const [first, last] = [violationRecorded(), violationRecorded()];
        await store.appendToStream(stream, [first]);
        for (const _page of [1, 2]) await store.appendToStream(stream, Array.from({ length: 600 }, deedRecorded));
        const end = await store.appendToStream(stream, [last]);
        const subscription = store.subscribeToAll({
          after,
          filter: { streamPrefixes: [prefix], eventTypes: ['ViolationRecorded'] },
        });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect((await take(items, 2)).map(summaryOf)).toEqual([first.id, last.id]);
          await nextCaughtUpAt(items, end.position);
        });
      });

      it('waits, delivering nothing, while nothing is appended', async () => {
        const subscription = store.subscribeToAll({ after: await store.headPosition(), filter: ownStreams() });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect(isCaughtUp(await nextItem(items))).toBe(true);
          const delivered = items.next().then(() => 'delivered');
          expect(await Promise.race([delivered, pause(settleMs).then(() => 'waiting')])).toBe('waiting');
        });
      });

      it('ends iteration when closed while waiting for the next event', async () => {
        const subscription = store.subscribeToAll({ after: await store.headPosition(), filter: ownStreams() });
        const items = subscription[Symbol.asyncIterator]();
        expect(isCaughtUp(await nextItem(items))).toBe(true);
        const waiting = items.next();
        await pause(settleMs);
        await subscription.close();
        expect(await within(waiting, 'end of iteration')).toEqual({ value: undefined, done: true });
      });

      it('ends a for-await loop when closed from inside it', async () => {
        const subscription = store.subscribeToAll({ after: await store.headPosition(), filter: ownStreams() });
        const consuming = (async () => {
          const delivered: string[] = [];
          for await (const item of subscription) {
            delivered.push(summaryOf(item));
            await subscription.close();
          }
          return delivered;
        })();
        expect(await within(consuming, 'end of the loop')).toEqual(['caughtUp']);
      });
    });

    describe('subscribing for a fold, where the adapter offers it', () => {
      const folded = (item: SubscriptionItem<FoldedEvent>): unknown =>
        isCaughtUp(item)
          ? 'caughtUp'
          : { type: item.type, data: item.data, position: item.position, recordedAt: item.recordedAt };

      itSubscribingForFolds(
        'delivers what readAll gives, with only what a fold reads of each event, then live events',
        async () => {
          const prefix = uniquePrefix();
          const after = await store.headPosition();
          await store.appendToStream(uniqueStream(prefix), [deedRecorded(), violationRecorded(), deedRecorded()]);
          const filter = { streamPrefixes: [prefix], eventTypes: ['ViolationRecorded', 'DeedRecorded'] };
          const whole = await store.readAll({ after, filter });
          const subscription = subscribeToFold({ after, filter });
          await closeAfter(subscription, async () => {
            const items = subscription[Symbol.asyncIterator]();
            expect((await take(items, 4)).map(folded)).toEqual([...whole.map(folded), 'caughtUp']);
            const live = violationRecorded();
            const appended = await store.appendToStream(uniqueStream(prefix), [live]);
            expect(folded(await nextItem(items))).toMatchObject({
              type: live.type,
              data: live.data,
              position: appended.position,
            });
          });
        },
      );

      itSubscribingForFolds('delivers only the events its filter matches', async () => {
        const prefix = uniquePrefix();
        const after = await store.headPosition();
        const violation = violationRecorded();
        await store.appendToStream(uniqueStream(prefix), [deedRecorded(), violation, deedRecorded()]);
        const subscription = subscribeToFold({
          after,
          filter: { streamPrefixes: [prefix], eventTypes: ['ViolationRecorded'] },
        });
        await closeAfter(subscription, async () => {
          const items = subscription[Symbol.asyncIterator]();
          expect((await take(items, 2)).map((item) => (isCaughtUp(item) ? 'caughtUp' : item.type))).toEqual([
            'ViolationRecorded',
            'caughtUp',
          ]);
        });
      });
    });

    describe('keeping each stream hash chain', () => {
      it('gives every recorded event a hash, however it is read', async () => {
        const prefix = uniquePrefix();
        await store.appendToStream(uniqueStream(prefix), deeds(2));
        await store.appendToStream(uniqueStream(prefix), [violationRecorded()], { expectedRevision: 'no_stream' });
        const read = await store.readAll({ filter: { streamPrefixes: [prefix] } });
        const [backwards] = await store.readStream(read[0].streamName, { direction: 'backwards', maxCount: 1 });
        expect(read).toHaveLength(3);
        expect([...read, backwards].every((event) => isEventHash(event.hash))).toBe(true);
      });

      it("chains each event's hash onto the previous event's in its stream, from the genesis hash", async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, deeds(2), { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, [violationRecorded()], { expectedRevision: 1n });
        await store.appendToStream(stream, deeds(3), { expectedRevision: 'stream_exists' });
        await store.appendToStream(stream, [deedRecorded()]);
        const recorded = await store.readStream(stream);
        expect(recorded.map((event) => event.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
        expect(hashesOf(recorded)).toEqual(recomputedChain(recorded));
      });

      it('starts every stream at the genesis hash, whatever other streams hold', async () => {
        const prefix = uniquePrefix();
        const [first, second] = [uniqueStream(prefix), uniqueStream(prefix)];
        await store.appendToStream(first, deeds(2));
        await store.appendToStream(second, deeds(2));
        const [firstOfSecond] = await store.readStream(second, { maxCount: 1 });
        expect(firstOfSecond.hash).toBe(eventDigest(firstOfSecond, genesisHash));
      });

      it.each([
        ['an exact revision', 0n],
        ['any revision', 'any'],
        ['stream_exists', 'stream_exists'],
      ] as const)('leaves the chain as it was when an append at %s is retried', async (_, expectedRevision) => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const batch = deeds(2);
        const first = await store.appendToStream(stream, batch, { expectedRevision });
        const before = await store.readStream(stream);
        const retry = await store.appendToStream(stream, batch, { expectedRevision });
        expect(retry).toEqual(first);
        expect(await store.readStream(stream)).toEqual(before);
      });

      it('leaves the chain as it was when a no_stream append is retried after the stream has moved on', async () => {
        const stream = uniqueStream();
        const batch = [deedRecorded()];
        await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, [deedRecorded()], { expectedRevision: 0n });
        const before = await store.readStream(stream);
        await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(await store.readStream(stream)).toEqual(before);
        expect(hashesOf(before)).toEqual(recomputedChain(before));
      });

      it('keeps one unbroken chain when concurrent callers append to a stream expecting any revision', async () => {
        const stream = uniqueStream();
        const first = deedRecorded();
        await store.appendToStream(stream, [first]);
        const batches = Array.from({ length: concurrentCallers }, () => deeds(2));
        await Promise.all(batches.map((batch) => store.appendToStream(stream, batch, { expectedRevision: 'any' })));
        const recorded = await store.readStream(stream);
        expect(idsOf(recorded).sort()).toEqual([first.id, ...batches.flatMap(idsOf)].sort());
        expect(recorded.map((event) => event.revision)).toEqual(recorded.map((_, index) => BigInt(index)));
        expect(hashesOf(recorded)).toEqual(recomputedChain(recorded));
      });
    });

    describe('appending concurrently', () => {
      it('lets exactly one of two appends at the same expected revision win', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [deedRecorded()]);
        const outcomes = await Promise.allSettled([
          store.appendToStream(stream, [deedRecorded()], { expectedRevision: 0n }),
          store.appendToStream(stream, [deedRecorded()], { expectedRevision: 0n }),
        ]);
        const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(refused[0].reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.getStreamRevision(stream)).toBe(1n);
      });
    });
  });
};
