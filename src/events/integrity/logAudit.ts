import type { KeyObject } from 'node:crypto';
import { comparePositions, START, type EventStore, type Position } from '../eventStore';
import { signCheckpoint, type SignedCheckpoint } from './checkpoint';
import { merkleLeafOf } from './eventHash';
import { createLogTree } from './logTree';
import { consistencyProof, inclusionProof, leafHash, rootOf, type TreeFrontier } from './merkle';
import {
  checkpointVerdict,
  createLogVerifier,
  type CheckpointVerdict,
  type LoggedEvent,
  type LogVerdict,
} from './verifyLog';

/**
 * The integrity library applied to a store: the global log read in pages, checked link by link, hashed into
 * its RFC 9162 tree, signed, and proven. Every function reads the log from the store itself.
 */

export const auditPageSize = 1_000;
/**
 * Proofs are built from the leaves in memory (about 400 bytes each): this bounds one proof's tree. Serving
 * proofs over a larger log needs stored subtree hashes; until then the CLI builds them.
 */
export const proofTreeSizeMax = 2_000_000;

/**
 * The global log in order, a page at a time: as stored (text, unparsed) where the adapter offers that, as this is
 * all verification and the tree need and is several times cheaper than parsing; otherwise as recorded.
 */
export async function* logPages(store: EventStore, after: Position = START): AsyncGenerator<LoggedEvent[]> {
  const readPage = (cursor: Position): Promise<LoggedEvent[]> =>
    store.readAllStored
      ? store.readAllStored({ after: cursor, maxCount: auditPageSize })
      : store.readAll({ after: cursor, maxCount: auditPageSize });
  let cursor = after;
  for (;;) {
    const page = await readPage(cursor);
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (page.length < auditPageSize || last === undefined) return;
    cursor = last.position;
  }
}

/** The leaf of an event in the global tree: its position and its link in the hash chain. */
export const leafOf = (event: Pick<LoggedEvent, 'position' | 'hash'>): Buffer => {
  if (event.hash === undefined) throw new Error(`event at ${event.position} carries no hash`);
  return leafHash(merkleLeafOf(event, event.hash));
};

export const issueCheckpoint = async (store: EventStore, privateKey: KeyObject, now: Date): Promise<SignedCheckpoint> =>
  (await issueCheckpointFrom(store, privateKey, now)).checkpoint;

/** Where a tree stopped: the position of its last leaf, and its frontier (merkle.ts). */
export interface LogFrontier {
  position: Position;
  tree: TreeFrontier;
}

/**
 * A checkpoint of the whole log that hashes only the events after `previous` (the frontier kept with the last
 * checkpoint), so that issuing one costs what was appended since, not the whole log. The tree is the same as
 * from scratch; a history rewritten before `previous` is not taken in (verify reads everything, and auditors'
 * consistency proofs between checkpoints expose it). Returns the frontier to keep for the next one.
 */
export const issueCheckpointFrom = async (
  store: EventStore,
  privateKey: KeyObject,
  now: Date,
  previous?: LogFrontier,
): Promise<{ checkpoint: SignedCheckpoint; frontier: LogFrontier }> => {
  if (previous && comparePositions(await store.headPosition(), previous.position) < 0) {
    throw new Error(`the log ends before ${previous.position}, where the last checkpoint's tree ended: it was cut`);
  }
  const tree = createLogTree(previous ? { from: previous.tree } : {});
  let position = previous?.position ?? START;
  try {
    for await (const page of logPages(store, position)) {
      for (const event of page) tree.add(event);
      position = (page.at(-1) as LoggedEvent).position;
      await tree.keptUp();
    }
    const whole = await tree.finish();
    const checkpoint = signCheckpoint({ treeSize: whole.size(), rootHash: whole.root(), issuedAt: now }, privateKey);
    return { checkpoint, frontier: { position, tree: whole.frontier() } };
  } finally {
    await tree.close();
  }
};

export type StoreVerdict = LogVerdict | (CheckpointVerdict & { ok: false; position?: undefined });

/**
 * Checks every link of every stream's chain (an edited byte, an inserted, deleted or reordered event) and,
 * given a checkpoint saved elsewhere, that the log still starts with the tree it signed (a truncated tail,
 * rewritten history). Check the checkpoint's signature first (verifyCheckpoint).
 */
export const verifyStoredLog = async (
  store: EventStore,
  checkpoint?: Pick<SignedCheckpoint, 'treeSize' | 'rootHash'>,
  onProgress: (position: Position) => void = () => undefined,
): Promise<StoreVerdict> => {
  const verifier = createLogVerifier();
  const tree = createLogTree();
  try {
    for await (const page of logPages(store)) {
      for (const event of page) {
        onProgress(event.position);
        const bad = verifier.check(event);
        if (bad) return bad;
        if (checkpoint && tree.size() < checkpoint.treeSize) tree.add(event);
      }
      await tree.keptUp();
    }
    if (checkpoint) {
      const whole = await tree.finish();
      const verdict = checkpointVerdict({ leafCount: whole.size(), root: whole.root() }, checkpoint);
      if (!verdict.ok) return verdict;
    }
    return verifier.verdict();
  } finally {
    await tree.close();
  }
};

const leavesUpTo = async (
  store: EventStore,
  treeSize: number,
): Promise<{ leaves: Buffer[]; positions: Position[] }> => {
  if (treeSize > proofTreeSizeMax) throw new RangeError(`proofs are built over at most ${proofTreeSizeMax} events`);
  const leaves: Buffer[] = [];
  const positions: Position[] = [];
  for await (const page of logPages(store)) {
    for (const event of page.slice(0, treeSize - leaves.length)) {
      leaves.push(leafOf(event));
      positions.push(event.position);
    }
    if (leaves.length >= treeSize) break;
  }
  if (leaves.length < treeSize) throw new RangeError(`the log holds ${leaves.length} events, not ${treeSize}`);
  return { leaves, positions };
};

export interface InclusionProofAnswer {
  position: Position;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

/** That the event at `position` is leaf `leafIndex` of the tree of `treeSize` events. */
export const proveInclusion = async (
  store: EventStore,
  position: Position,
  treeSize: number,
): Promise<InclusionProofAnswer> => {
  const { leaves, positions } = await leavesUpTo(store, treeSize);
  const leafIndex = positions.indexOf(position);
  if (leafIndex < 0) throw new RangeError(`no event at position ${position} among the first ${treeSize}`);
  return {
    position,
    leafIndex,
    treeSize,
    leafHash: (leaves[leafIndex] as Buffer).toString('hex'),
    rootHash: rootOf(leaves).toString('hex'),
    proof: inclusionProof(leaves, leafIndex).map((hash) => hash.toString('hex')),
  };
};

export interface ConsistencyProofAnswer {
  fromSize: number;
  toSize: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
}

/** That the tree of `fromSize` events is a prefix of the tree of `toSize`: nothing before was rewritten. */
export const proveConsistency = async (
  store: EventStore,
  fromSize: number,
  toSize: number,
): Promise<ConsistencyProofAnswer> => {
  if (fromSize > toSize) throw new RangeError('the older tree must not be larger than the newer');
  const { leaves } = await leavesUpTo(store, toSize);
  return {
    fromSize,
    toSize,
    fromRoot: rootOf(leaves.slice(0, fromSize)).toString('hex'),
    toRoot: rootOf(leaves).toString('hex'),
    proof: consistencyProof(leaves, fromSize).map((hash) => hash.toString('hex')),
  };
};
