import type { StreamRevision } from '../events/eventStore';

/**
 * The folded states of the streams commands read last, each as the store held it, so that the next command on one of
 * them reads only the events after it instead of the whole stream: without it, every command on a subject read and folded all its
 * events, which grows with the years a subject has been in the ledger. A state is kept with the revision it was
 * folded up to and the ids of the events folded, by which a retried command finds its own events. Whatever this
 * holds is checked against the store: the command reads the events after the revision, and appends at the revision it
 * has then seen, so a stream another writer or process changed meanwhile is folded forward, never decided on stale.
 *
 * Bounded by the events it remembers (their ids are most of the memory a state takes): the streams used least
 * recently are let go first.
 */

export interface KnownStream<State> {
  state: State;
  /** The revision of the stream's last event folded into `state`. */
  revision: StreamRevision;
  /** The ids of every event folded into `state`. */
  eventIds: ReadonlySet<string>;
}

export interface StreamStates<State> {
  get(stream: string): KnownStream<State> | undefined;
  /** Remembers a stream's state, in place of one folded to an earlier revision (a later one is kept instead). */
  set(stream: string, known: KnownStream<State>): void;
}

export const createStreamStates = <State>(eventsMax: number): StreamStates<State> => {
  if (!Number.isSafeInteger(eventsMax) || eventsMax < 1) throw new RangeError('eventsMax must be a positive integer');
  /** In the order they were last used, the least recent first (a Map keeps its keys in insertion order). */
  const known = new Map<string, KnownStream<State>>();
  let events = 0;

  const forget = (stream: string): void => {
    const entry = known.get(stream);
    if (!entry) return;
    known.delete(stream);
    events -= entry.eventIds.size;
  };

  return {
    get(stream) {
      const entry = known.get(stream);
      if (entry) {
        known.delete(stream);
        known.set(stream, entry);
      }
      return entry;
    },
    set(stream, entry) {
      const kept = known.get(stream);
      if (kept && kept.revision > entry.revision) return;
      forget(stream);
      if (entry.eventIds.size > eventsMax) return;
      known.set(stream, entry);
      events += entry.eventIds.size;
      for (const [oldest] of known) {
        if (events <= eventsMax) break;
        forget(oldest);
      }
    },
  };
};
