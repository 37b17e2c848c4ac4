import { v7 as uuidv7 } from 'uuid';
import type { EventStore } from '../events/eventStore';
import { accessLogStream, type AccessPurpose, type AccessRecord, type RecordsAccessed } from '../events/ledgerEvents';
import type { Principal } from './auth/principal';

/**
 * The access log's writer (DESIGN §1 item 7). A read queues its record and goes on: nothing on the read path
 * waits for the store. Records are written as RecordsAccessed events, a full batch at once (the records that come
 * meanwhile start the next) and a partial one flushIntervalMs after its first record; close() and flush() write
 * every record still waiting, so a clean shutdown loses none. A crash loses the records not yet written: the price
 * of reads that do not wait for a write.
 *
 * Every batch goes to the one `access-log` stream with expected revision 'any': a record states a fact that
 * depends on no earlier record, so there is no decision for an exact revision to protect, and several server
 * processes appending at once would only make each other retry. A batch keeps its event id until the store
 * confirms it, so a write retried after a failure (even one that committed before failing) is stored once.
 *
 * If the store is down, records wait, and are written again every flushIntervalMs. Once pendingMax are waiting,
 * hasRoom() is false and recordReads refuses new reads with 503: for a transparency log, refusing to serve a
 * read is safer than serving it unrecorded. Nothing is ever dropped, so the reads already being answered when
 * the bound is reached still add their records beyond it.
 */

/** The most records one RecordsAccessed event holds: maxItems in schemas/events/RecordsAccessed.json. */
export const recordsPerEventMax = 500;
/** Records waiting for the store beyond which new reads are refused. */
export const accessRecordsPendingMaxDefault = 10_000;

/** A read to record: whose data, who read it, and what. The recorder adds the purpose and the time. */
export interface Access {
  subjectId: string;
  viewer: Principal;
  /** Why the viewer read it: from the role the read was granted in (accessPurpose.ts). */
  purpose: AccessPurpose;
  what: string;
}

export interface AccessRecorderOptions {
  store: EventStore;
  clock: () => Date;
  /** Records per event, 1 to recordsPerEventMax; a batch this full is written at once. */
  batchSizeMax: number;
  /** A batch that is not full is written this long after its first record. */
  flushIntervalMs: number;
  /** Records waiting for the store at which new reads are refused; accessRecordsPendingMaxDefault if not given. */
  pendingMax?: number;
  /** Told of every write that fails in the background (its records are kept and written again later). */
  onFailure: (error: unknown) => void;
}

export interface AccessRecorder {
  /** Queues the record of one read; never waits for the store. */
  record(access: Access): void;
  /** False once pendingMax records are waiting for the store, or after close(): new reads must be refused. */
  hasRoom(): boolean;
  /** Reports a read whose record could not be made (a route bug), through onFailure. */
  reportFailure(error: unknown): void;
  /** Resolves once every record queued before the call is stored; rejects if the store fails (they are kept). */
  flush(): Promise<void>;
  /**
   * Refuses new reads (hasRoom() is false) and writes every record still waiting. Call it once the HTTP server
   * has stopped, so that no read is still being answered.
   */
  close(): Promise<void>;
}

interface Batch {
  eventId: string;
  records: AccessRecord[];
}

export const createAccessRecorder = ({
  store,
  clock,
  batchSizeMax,
  flushIntervalMs,
  pendingMax = accessRecordsPendingMaxDefault,
  onFailure,
}: AccessRecorderOptions): AccessRecorder => {
  if (!Number.isSafeInteger(batchSizeMax) || batchSizeMax < 1 || batchSizeMax > recordsPerEventMax) {
    throw new RangeError(`batchSizeMax must be an integer from 1 to ${recordsPerEventMax}, not ${batchSizeMax}`);
  }
  const waiting: AccessRecord[] = [];
  /** The batch being written, or whose write failed: written again with the same event id. */
  let unconfirmed: Batch | undefined;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /**
   * Writes the unconfirmed batch, then the waiting records: all of them, or (fullOnly) only full batches, leaving a
   * partial one to fill or to wait for the interval. Under a steady load, a write triggered by a full batch that
   * also took the records arriving meanwhile made batches as small as the reads that came during one append.
   */
  const writeWaiting = async (fullOnly: boolean): Promise<void> => {
    const least = fullOnly ? batchSizeMax : 1;
    try {
      while (unconfirmed || waiting.length >= least) {
        unconfirmed ??= { eventId: uuidv7(), records: waiting.splice(0, batchSizeMax) };
        const data: RecordsAccessed = { records: unconfirmed.records };
        await store.appendToStream(
          accessLogStream,
          [
            {
              id: unconfirmed.eventId,
              type: 'RecordsAccessed',
              data,
              metadata: { schemaVersion: 1, actorId: 'system' },
            },
          ],
          { expectedRevision: 'any' },
        );
        unconfirmed = undefined;
      }
    } catch (error) {
      scheduleFlush();
      throw error;
    }
  };

  // One write at a time, in order: a write waits for the one under way, whatever its outcome, then writes its share.
  const write = (fullOnly: boolean): Promise<void> => {
    const next = (): Promise<void> => writeWaiting(fullOnly);
    writing = writing.then(next, next);
    return writing;
  };
  const flush = (): Promise<void> => write(false);

  /** A write nobody waits for: its failure is reported, and its records are kept for the next. */
  const writeInBackground = (fullOnly: boolean): void => {
    clearTimeout(timer);
    timer = undefined;
    write(fullOnly).catch(onFailure);
  };

  const scheduleFlush = (): void => {
    if (timer) return;
    timer = setTimeout(() => writeInBackground(false), flushIntervalMs);
    // A waiting batch must not keep the process alive: close() is what writes the last one.
    timer.unref();
  };

  return {
    record({ subjectId, viewer, purpose, what }) {
      waiting.push({
        subjectId,
        viewerId: viewer.id,
        viewerRoles: [...viewer.roles],
        purpose,
        what,
        at: clock().toISOString(),
      });
      if (waiting.length === batchSizeMax) writeInBackground(true);
      else scheduleFlush();
    },
    hasRoom: () => !closed && waiting.length + (unconfirmed?.records.length ?? 0) < pendingMax,
    reportFailure: onFailure,
    flush,
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await flush();
    },
  };
};
