import type { LoggedEvent } from './verifyLog';
import { merkleLeafText } from './eventHash';
import { createTreeAccumulator, leafHash, type TreeAccumulator, type TreeFrontier } from './merkle';
import { startSubtreeHasher, type SubtreeHasher } from './subtreeHasher';

/**
 * The global log's Merkle tree, built while the log is read. Each aligned run of `runLeaves` leaves (a power of two,
 * starting at a multiple of it) is a complete subtree: its root is hashed on a worker thread (subtreeHasher.ts),
 * in parallel with whatever the reader does with the events, and the accumulator takes the roots in log order. The
 * leaves before the first aligned run (going on from a checkpoint's frontier) and after the last are hashed here.
 * The tree is the one merkle.ts builds leaf by leaf; no worker starts for fewer leaves than a run.
 */
export interface LogTree {
  /** Takes the event's leaf: its position and its stored hash (a RangeError when either is malformed). */
  add(event: Pick<LoggedEvent, 'position' | 'hash'>): void;
  /** Leaves taken so far, hashed or not. */
  size(): number;
  /** With more than 64 runs waiting for the worker, resolves once all are hashed: await it between pages, so that memory stays bounded. */
  keptUp(): Promise<void>;
  /** The accumulator over every leaf taken (its root and frontier); ends the worker. */
  finish(): Promise<TreeAccumulator>;
  /** Ends the worker without a result, for a reader that stopped early. */
  close(): Promise<void>;
}

export interface LogTreeOptions {
  from?: TreeFrontier;
  /** Leaves per run handed to the worker: a power of two. */
  runLeaves?: number;
}

export const logTreeRunLeaves = 1_024;
/** Runs queued for the worker before the reader waits: 64 runs of 1,024 leaves is about 6 MB of texts. */
const runsWaitingMax = 64;

export const createLogTree = ({ from, runLeaves = logTreeRunLeaves }: LogTreeOptions = {}): LogTree => {
  const tree = createTreeAccumulator(from);
  let taken = tree.size();
  let run: string[] = [];
  let hasher: SubtreeHasher | undefined;
  let runsWaiting = 0;
  /** The runs' roots, added to the tree in order; the first failure is kept for finish. */
  let rootsAdded: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;

  const hashRun = (leafTexts: string[]): void => {
    hasher ??= startSubtreeHasher();
    const root = hasher.rootOf(leafTexts);
    // Handled now, so that a refusal before the runs ahead of it are added is not an unhandled rejection; the
    // chain below still sees it.
    root.catch(() => undefined);
    runsWaiting += 1;
    rootsAdded = rootsAdded
      .then(() => root)
      .then((subtreeRoot) => tree.addSubtree(subtreeRoot, leafTexts.length))
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        runsWaiting -= 1;
      });
  };

  const close = async (): Promise<void> => {
    await hasher?.close();
    hasher = undefined;
  };

  return {
    add(event) {
      if (event.hash === undefined) throw new RangeError(`event at ${event.position} carries no hash`);
      const text = merkleLeafText(event, event.hash);
      taken += 1;
      // Not yet at a run's start (going on from a frontier): no run has been handed out, so the order holds.
      if (run.length === 0 && (taken - 1) % runLeaves !== 0) {
        tree.add(leafHash(Buffer.from(text, 'ascii')));
        return;
      }
      run.push(text);
      if (run.length === runLeaves) {
        hashRun(run);
        run = [];
      }
    },
    size: () => taken,
    async keptUp() {
      if (runsWaiting > runsWaitingMax) await rootsAdded;
    },
    async finish() {
      try {
        await rootsAdded;
        if (failure) throw failure.error;
        for (const text of run) tree.add(leafHash(Buffer.from(text, 'ascii')));
        run = [];
        return tree;
      } finally {
        await close();
      }
    },
    close,
  };
};
