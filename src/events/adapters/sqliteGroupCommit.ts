import type { Database } from './sqliteDatabase';

/**
 * Group commit: the writes asked for during one turn of the event loop run in one SQLite transaction, so
 * that one flush to disk (synchronous=FULL) makes all of them durable, instead of one flush each. A flush
 * costs about 175 µs here and blocks the event loop (better-sqlite3 is synchronous), which made one
 * transaction per write the ceiling of the API's write rate (reference/performance.md §4).
 *
 * - Each write runs in its own savepoint: a write that throws is rolled back alone and its caller gets the
 *   error, while the others in the group still commit.
 * - Unless the write's error ended the group's transaction: after some errors SQLite may roll back the whole
 *   transaction, not just the statement (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, SQLITE_BUSY, SQLITE_INTERRUPT,
 *   sqlite.org/c3ref/get_autocommit.html; also ON CONFLICT ROLLBACK and RAISE(ROLLBACK), which the ledger does
 *   not use). Then nothing of the group is stored, the writes before it included, and no later write of it runs
 *   (it would run outside the group, as a durable transaction of its own): the failing write's caller gets its
 *   own error, every other caller a GroupRolledBackError carrying that error as `cause`. This is told by
 *   db.inTransaction being false once the write has thrown, so a write that succeeds pays nothing for it.
 * - A caller's promise settles only after the group's COMMIT has returned: an acknowledged write is durable.
 *   If the COMMIT itself fails, every write of the group is rejected with that error (nothing was stored).
 * - Writes run in the order they were asked for, so positions follow that order.
 * - Inside a transaction the caller opened itself (the bulk commands' one commit per thousand events), a
 *   write runs at once, as a savepoint of that transaction, which then decides when it becomes durable. A
 *   write whose error ends that transaction gets its own error, and the caller's transaction is over: nothing
 *   of it is stored, and db.inTransaction is false. The caller must then stop, as inOneCommit does (bulkStore.ts:
 *   it rethrows, and rolls back only a transaction still open): a write it asked for afterwards would no
 *   longer belong to its transaction but to a group of its own, durable on its own.
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

/**
 * Why a write of a group was not stored, when another write's error ended the group's transaction: SQLite rolled
 * back all of it (see the header), this write's work too or before it ran. `cause` is that other write's error.
 */
export class GroupRolledBackError extends Error {
  constructor(cause: unknown) {
    super(
      `not stored: the transaction of its group was rolled back by another write's error (${
        cause instanceof Error ? cause.message : String(cause)
      })`,
      { cause },
    );
    this.name = 'GroupRolledBackError';
  }
}

/** Thrown out of the group's transaction by the write (at `index`) whose `error` ended that transaction. */
class GroupEnded {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

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
    group.map((queued, index) => {
      try {
        return { ok: true, value: inSavepoint(queued.write) };
      } catch (error) {
        // SQLite rolled the whole transaction back: the later writes must not run (each would be a transaction of
        // its own), nor the COMMIT. better-sqlite3's wrapper rethrows without a ROLLBACK, there being nothing to undo.
        if (!db.inTransaction) throw new GroupEnded(index, error);
        return { ok: false, error };
      }
    }),
  );

  const commitGroup = (group: readonly QueuedWrite[]): void => {
    let outcomes: Outcome[];
    try {
      outcomes = runGroup.immediate(group);
    } catch (error) {
      if (error instanceof GroupEnded) {
        const { index: failing, error: cause } = error;
        group.forEach((queued, index) => queued.reject(index === failing ? cause : new GroupRolledBackError(cause)));
      } else {
        group.forEach((queued) => queued.reject(error));
      }
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
