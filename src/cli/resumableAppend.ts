import {
  appendBatchMaxEvents,
  readStreamMaxCount,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../events/eventStore';

/**
 * The append of the bulk writers (seed, import), whose runs may be cut off and started again from the
 * beginning. Events are meant for consecutive revisions of one stream from `firstRevision` on; those the
 * stream already holds are handed to `checkStored` (which throws when a stored event is not the one meant for
 * its revision) and the rest are appended, at most appendBatchMaxEvents at a time, each append at its exact
 * expected revision. So a rerun writes nothing again, an append cut off after its commit is recognised by the
 * store as a retry, and a stream that ends before `firstRevision` refuses the append
 * (WrongExpectedRevisionError): the events before it are missing.
 */

export interface ResumedAppend {
  appended: number;
  /** Events the stream held already, each checked. */
  alreadyStored: number;
}

export const appendResuming = async (
  store: EventStore,
  stream: string,
  firstRevision: bigint,
  events: readonly NewEvent[],
  checkStored: (stored: RecordedEvent, index: number) => void,
): Promise<ResumedAppend> => {
  if (events.length > readStreamMaxCount) {
    throw new RangeError(`a resumable append takes at most ${readStreamMaxCount} events, not ${events.length}`);
  }
  const revision = await store.getStreamRevision(stream);
  const held = revision === 'no_stream' ? 0n : revision + 1n;
  const overlap = held <= firstRevision ? 0 : Math.min(Number(held - firstRevision), events.length);
  if (overlap > 0) {
    const stored = await store.readStream(stream, { fromRevision: firstRevision, maxCount: overlap });
    stored.forEach(checkStored);
  }
  for (let index = overlap; index < events.length; index += appendBatchMaxEvents) {
    const expected = firstRevision + BigInt(index) - 1n;
    await store.appendToStream(stream, events.slice(index, index + appendBatchMaxEvents), {
      expectedRevision: expected < 0n ? 'no_stream' : expected,
    });
  }
  return { appended: events.length - overlap, alreadyStored: overlap };
};
