import {
  START,
  checkPosition,
  comparePositions,
  type EventFilter,
  type FoldedEvent,
  type Position,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionItem,
} from './eventStore';

/**
 * Catch-up subscriptions for the adapters that have no server to push events: each one reads the log page by
 * page after its position, and when it has reached the end waits for a local append (wakeAll) or, when a poll
 * interval is given, for the next poll, which is how appends from another process on the same file are seen.
 */

/** What one read of a subscription found: events whole, or what a fold reads of them. */
export interface Page<Event extends FoldedEvent = RecordedEvent> {
  /** Up to maxCount events after the position asked for (exclusive) that match the filter, in global order. */
  events: readonly Event[];
  /** The end of the log as the same read saw it: when the page is not full, every event up to it was looked at. */
  head: Position;
}

/**
 * Reads one page. The adapter applies the filter where the events are, so that a subscription to a few types
 * (the projections') does not load and parse the others.
 */
export type ReadPage<Event extends FoldedEvent = RecordedEvent> = (
  after: Position,
  maxCount: number,
  filter?: EventFilter,
) => Promise<Page<Event>>;

export interface PollingOptions {
  /** How long a caught-up subscription waits before looking again; without it, only local appends wake it. */
  pollIntervalMs?: number;
}

export interface PollingSubscriptions {
  /** A subscription that reads its pages with `readPage`: whole events, or what a fold reads of them. */
  subscribe<Event extends FoldedEvent>(readPage: ReadPage<Event>, options?: SubscribeOptions): Subscription<Event>;
  /** Call after each committed append, so that waiting subscriptions read it at once. */
  wakeAll(): void;
  closeAll(): Promise<void>;
}

/** Events read per page: bounds what a subscription holds in memory while its consumer is busy. */
export const pageEventsMax = 500;

interface PollingSubscription<Event extends FoldedEvent> extends Subscription<Event> {
  wake(): void;
}

export const createPollingSubscriptions = (options: PollingOptions = {}): PollingSubscriptions => {
  const open = new Set<PollingSubscription<FoldedEvent>>();
  return {
    subscribe: (readPage, subscribeOptions = {}) => {
      const subscription = openSubscription(readPage, options, subscribeOptions, () => open.delete(subscription));
      open.add(subscription);
      return subscription;
    },
    wakeAll: () => open.forEach((subscription) => subscription.wake()),
    closeAll: async () => {
      await Promise.all([...open].map((subscription) => subscription.close()));
    },
  };
};

const openSubscription = <Event extends FoldedEvent>(
  readPage: ReadPage<Event>,
  { pollIntervalMs }: PollingOptions,
  { after = START, filter }: SubscribeOptions,
  onClose: () => void,
): PollingSubscription<Event> => {
  checkPosition(after);
  const queued: SubscriptionItem<Event>[] = [];
  /** The last position read, whether its event was delivered or skipped by the filter. */
  let cursor = after;
  /** The cursor when the last caughtUp was queued: while they are equal there is nothing new to read. */
  let caughtUpAt: Position | undefined;
  /** Set by a wake-up that arrives while a page is being read, which that read may have missed. */
  let appendedSinceRead = false;
  let closed = false;
  let stopWaiting: (() => void) | undefined;

  const waitForAppend = (): Promise<void> =>
    new Promise((resolve) => {
      let pollTimer: NodeJS.Timeout | undefined;
      stopWaiting = () => {
        clearTimeout(pollTimer);
        stopWaiting = undefined;
        resolve();
      };
      if (pollIntervalMs !== undefined) pollTimer = setTimeout(stopWaiting, pollIntervalMs).unref();
    });

  const readNextPage = async (): Promise<void> => {
    if (caughtUpAt === cursor && !appendedSinceRead) await waitForAppend();
    if (closed) return;
    appendedSinceRead = false;
    const { events, head } = await readPage(cursor, pageEventsMax, filter);
    if (closed) return;
    queued.push(...events);
    const full = events.length === pageEventsMax;
    // How far the log was read: a full page ends at its last event; otherwise every event to the head was looked
    // at, matching or not. A subscription may start after the head (a checkpoint of a log since cut): it never
    // moves back.
    const readUpTo = full ? (events.at(-1) as Event).position : head;
    if (comparePositions(readUpTo, cursor) > 0) cursor = readUpTo;
    if (!full && caughtUpAt !== cursor) {
      queued.push({ kind: 'caughtUp', position: cursor });
      caughtUpAt = cursor;
    }
  };

  const nextItem = async (): Promise<IteratorResult<SubscriptionItem<Event>>> => {
    // No bound on the pages read here: a live subscription waits as long as it takes, until close().
    while (!closed) {
      const item = queued.shift();
      if (item) return { value: item, done: false };
      await readNextPage();
    }
    return { value: undefined, done: true };
  };

  // Chained so that items go out one at a time even if a consumer asks again before the last answer.
  let previousNext: Promise<unknown> = Promise.resolve();
  const next = (): Promise<IteratorResult<SubscriptionItem<Event>>> => {
    const result = previousNext.catch(() => undefined).then(nextItem);
    previousNext = result;
    return result;
  };

  const close = async (): Promise<void> => {
    closed = true;
    queued.length = 0;
    stopWaiting?.();
    onClose();
  };

  const iterator: AsyncIterableIterator<SubscriptionItem<Event>> = {
    next,
    return: async () => {
      await close();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };

  return {
    [Symbol.asyncIterator]: () => iterator,
    close,
    wake: () => {
      appendedSinceRead = true;
      stopWaiting?.();
    },
  };
};
