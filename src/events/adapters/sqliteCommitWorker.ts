import type { NewEvent, StreamRevision } from '../eventStore';
import { chainLinks, type EventTexts } from '../integrity/chainLinks';
import { genesisHash } from '../integrity/eventHash';
import type { Database } from './sqliteDatabase';
import {
  insertEventSql,
  saveStreamRevisionSql,
  streamHeadSql,
  streamRevisionSql,
  type InsertedEventRow,
} from './sqliteEventSql';
import { startDatabaseWorker } from './sqliteWorker';

/**
 * The import's second core (src/cli/importLog.ts). An import on one thread spends half its time inserting rows
 * and waiting for each commit's flush, the other half reading, checking and hash-linking lines. Here the thread
 * that reads links each group of appends onto its streams' heads (the hash chain, as the store's append does,
 * chainLinks.ts) and hands the rows to a worker thread, which inserts and commits them on a connection of its own
 * while the next group is read.
 *
 * The worker checks, in the group's transaction, that each stream still ends just before its run (another writer
 * may have appended since the run was linked); if not, or if an insert is refused (an event id stored elsewhere),
 * the whole group is rolled back and refused, and the import appends it through the store instead, whose checks
 * name the cause. A run that does not follow its stream's head when linked (a resumed import, a gap) is not
 * linked at all. So the worker only ever stores what the store's own append would have stored.
 *
 * Up to groupsInFlightMax groups are in flight, committed in the order given: runs are linked onto the heads the
 * newest of them leaves, then the older ones', then the committed ones. With one, the reading thread and the worker
 * each waited for the other a quarter of the time (a slow group on either side stalled both); with two, one waits
 * only when the other is a whole group behind. A group linked onto one the worker then refused would chain onto rows
 * never stored, so once the worker has refused a group it refuses every group after it, storing nothing of them, until
 * resume(): the import appends them through the store, in order, and links the next ones afresh.
 */

export const groupsInFlightMax = 2;

/** A stream's last event: its revision and its link in the hash chain (null for events from before the chain). */
export interface StreamHead {
  revision: StreamRevision;
  hash: string | null;
}

/** Consecutive new events of one stream, the first meant for firstRevision. */
export interface NewRun {
  stream: string;
  firstRevision: StreamRevision;
  events: readonly NewEvent[];
  /** The events' data and metadata as canonical JSON, where the caller has them already (chainLinks.ts). */
  texts?: readonly EventTexts[];
}

/** A group of runs linked onto their streams' heads: the rows to insert, and the heads they leave. */
export interface LinkedGroup {
  runs: { stream: string; firstRevision: StreamRevision; rows: InsertedEventRow[] }[];
  heads: Map<string, StreamHead>;
}

export interface CommitWorker {
  /**
   * The group's rows, linked onto the heads the group in flight leaves or else the committed ones; undefined when a
   * run does not follow its stream's head (the store's append decides those).
   */
  link(runs: readonly NewRun[]): LinkedGroup | undefined;
  /**
   * Commits a linked group on the worker, after those in flight; true once durable, false when refused (nothing of
   * it stored): because its checks failed, or because the worker refused a group before it and was not resumed.
   */
  commit(group: LinkedGroup): Promise<boolean>;
  /** After a refusal, once every group in flight has settled: the worker takes groups again. */
  resume(): void;
  stop(): Promise<void>;
}

/** A group in flight: the heads it leaves, and its caller's promise. */
interface InFlight {
  heads: Map<string, StreamHead>;
  settle: (committed: boolean) => void;
  fail: (error: Error) => void;
}

/** Run on the worker (sqliteWorker.ts): checks and inserts a group's runs in one transaction. */
const workerSource = `
const streamRevision = db.prepare(workerData.sql.streamRevision).safeIntegers();
const insertEvent = db.prepare(workerData.sql.insertEvent);
const saveStreamRevision = db.prepare(workerData.sql.saveStreamRevision);
const insertGroup = db.transaction((runs) => {
  for (const run of runs) {
    const stored = streamRevision.get(run.stream);
    const follows = stored === undefined ? run.firstRevision === 0n : stored.revision + 1n === run.firstRevision;
    if (!follows) throw new Error('stream ' + run.stream + ' no longer ends just before revision ' + run.firstRevision);
    for (const row of run.rows) insertEvent.run(row);
    saveStreamRevision.run(run.stream, run.firstRevision + BigInt(run.rows.length - 1));
  }
});
// Once a group is refused, the ones sent after it were linked onto rows never stored: refused too, until 'resume'.
let refusing = false;
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  if (message === 'resume') {
    refusing = false;
    return;
  }
  if (refusing) {
    parentPort.postMessage({ committed: false });
    return;
  }
  try {
    insertGroup.immediate(message);
    parentPort.postMessage({ committed: true });
  } catch {
    // The import appends a refused group through the store, whose checks name the cause.
    refusing = true;
    parentPort.postMessage({ committed: false });
  }
});
`;

/** The rows of a run chained onto head, and the head they leave; undefined when the run does not follow head. */
const linkRun = (
  run: NewRun,
  head: StreamHead | undefined,
  recordedAt: Date,
): { rows: InsertedEventRow[]; head: StreamHead } | undefined => {
  const follows = head ? head.revision + 1n === run.firstRevision : run.firstRevision === 0n;
  if (!follows || head?.hash === null || run.events.length === 0) return undefined;
  const links = chainLinks({
    streamName: run.stream,
    events: run.events,
    firstRevision: run.firstRevision,
    previousHash: head?.hash ?? genesisHash,
    recordedAt,
    texts: run.texts,
  });
  const recordedAtText = recordedAt.toISOString();
  const rows = links.map((link, index): InsertedEventRow => {
    const { id, type } = run.events[index] as NewEvent;
    return [run.stream, link.revision, id, type, link.dataJson, link.metadataJson, recordedAtText, link.hash];
  });
  const last = links[links.length - 1] as (typeof links)[number];
  return { rows, head: { revision: last.revision, hash: last.hash } };
};

export const startCommitWorker = (db: Database, clock: () => Date): CommitWorker => {
  const { worker, exited, stop } = startDatabaseWorker(db, workerSource, {
    sql: { streamRevision: streamRevisionSql, insertEvent: insertEventSql, saveStreamRevision: saveStreamRevisionSql },
  });
  const committedHead = db.prepare<[string], StreamHead>(streamHeadSql).safeIntegers();
  /** Oldest first: the worker answers in the order it was given them. */
  const inFlight: InFlight[] = [];
  let failure: Error | undefined;
  const failAll = (error: Error): void => {
    for (const group of inFlight.splice(0)) group.fail(error);
  };
  worker.on('message', ({ committed }: { committed: boolean }) => inFlight.shift()?.settle(committed));
  worker.on('error', (error) => {
    failure = error;
    failAll(error);
  });
  void exited.then(() => {
    failure ??= new Error('the commit worker stopped');
    failAll(failure);
  });
  /** The head a run follows: its stream's in the newest group in flight that touches it, else as committed. */
  const headOf = (stream: string): StreamHead | undefined => {
    for (let index = inFlight.length - 1; index >= 0; index -= 1) {
      const head = inFlight[index]?.heads.get(stream);
      if (head) return head;
    }
    return committedHead.get(stream);
  };

  return {
    link(runs) {
      const recordedAt = clock();
      const heads = new Map<string, StreamHead>();
      const linked: LinkedGroup['runs'] = [];
      for (const run of runs) {
        const head = heads.get(run.stream) ?? headOf(run.stream);
        const next = linkRun(run, head, recordedAt);
        if (!next) return undefined;
        linked.push({ stream: run.stream, firstRevision: run.firstRevision, rows: next.rows });
        heads.set(run.stream, next.head);
      }
      return { runs: linked, heads };
    },
    commit(group) {
      const committed = new Promise<boolean>((resolve, reject) => {
        if (inFlight.length >= groupsInFlightMax) {
          return reject(new Error(`${groupsInFlightMax} groups are already being committed`));
        }
        if (failure) return reject(failure);
        inFlight.push({ heads: group.heads, settle: resolve, fail: reject });
        worker.postMessage(group.runs);
      });
      // Handled here as well as by the caller, who holds it while reading the next group: a refusal to take the
      // group, or a worker failing meanwhile, never becomes an unhandled rejection.
      committed.catch(() => undefined);
      return committed;
    },
    resume() {
      worker.postMessage('resume');
    },
    stop,
  };
};
