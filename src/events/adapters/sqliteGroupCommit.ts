import type { Database } from './sqliteDatabase';

/**
 * Group commit: the writes asked for during one turn of the event loop run in one SQLite transaction, so
 * that one flush to disk (synchronous=FULL) makes all of them durable, instead of one flush each. A flush
 * costs about 175 µs here and blocks the event loop (better-sqlite3 is synchronous), which made one
 * transaction per write the ceiling of the API's write rate (reference/performance.md §4).
 *
 * - Each write runs in its own savepoint: a write that throws is rolled back alone and its caller gets the
 *   error, while the others in the group still commit.
 * - A caller's promise settles only after the group's COMMIT has returned: an acknowledged write is durable.
 *   If the COMMIT itself fails, every write of the group is rejected with that error (nothing was stored).
 * - Writes run in the order they were asked for, so positions follow that order.
 * - Inside a transaction the caller opened itself (the bulk commands' one commit per thousand events), a
 *   write runs at once, as a savepoint of that transaction, which then decides when it becomes durable.
 *
 * Everything that writes to one database should share its one group (groupCommitOf), so that the event
 * store's appends and, say, the idempotency records of the same requests share the flush.
 */

export interface GroupCommit {
  /** Runs `write` in the next group's transaction; resolves with its result once that group is durable. */
  run<T>(write: () => T): Promise<T>;
}

/** At most this many writes per transaction: a long queue commits in several groups, in order. */
export const groupWritesMax = 1_000;

interface QueuedWrite {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const groups = new WeakMap<Database, GroupCommit>();

/** The group commit of this database connection, made on first use and shared by every writer. */
export const groupCommitOf = (db: Database): GroupCommit => {
  const existing = groups.get(db);
  if (existing) return existing;
  const created = createGroupCommit(db);
  groups.set(db, created);
  return created;
};

const createGroupCommit = (db: Database): GroupCommit => {
  let queue: QueuedWrite[] = [];
  let scheduled = false;

  const inSavepoint = db.transaction((write: () => unknown) => write());
  const runGroup = db.transaction((group: readonly QueuedWrite[]): Outcome[] =>
    group.map((queued) => {
      try {
        return { ok: true, value: inSavepoint(queued.write) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );

  const commitGroup = (group: readonly QueuedWrite[]): void => {
    let outcomes: Outcome[];
    try {
      outcomes = runGroup.immediate(group);
    } catch (error) {
      group.forEach((queued) => queued.reject(error));
      return;
    }
    outcomes.forEach((outcome, index) =>
      outcome.ok ? group[index].resolve(outcome.value) : group[index].reject(outcome.error),
    );
  };

  const commitQueued = (): void => {
    scheduled = false;
    const queued = queue;
    queue = [];
    for (let start = 0; start < queued.length; start += groupWritesMax) {
      commitGroup(queued.slice(start, start + groupWritesMax));
    }
  };

  return {
    run<T>(write: () => T): Promise<T> {
      if (db.inTransaction) {
        try {
          return Promise.resolve(inSavepoint(write) as T);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return new Promise<T>((resolve, reject) => {
        queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(commitQueued);
        }
      });
    },
  };
};
