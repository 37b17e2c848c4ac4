import { Worker } from 'node:worker_threads';
import { isCompleteSubtreeSize } from './merkle';

/**
 * Hashes complete Merkle subtrees on a worker thread: given the data of 2^k leaves as ASCII texts, the root of the
 * perfect tree over them, by RFC 9162's rules (merkle.ts: a leaf hashes as SHA-256(0x00 || data), an inner node as
 * SHA-256(0x01 || left || right)). A perfect tree splits exactly in halves, so its root is the leaves paired level by
 * level. Runs are answered in the order they were given.
 *
 * Two of the three SHA-256 a verified event costs are its leaf and its share of the inner nodes: here they run on the
 * other core while the reader checks the hash chains.
 */

export interface SubtreeHasher {
  /** The root of the perfect tree over these leaves: a power of two of them, each ASCII without a line break. */
  rootOf(leafTexts: readonly string[]): Promise<Buffer>;
  /** Ends the worker; runs not yet answered are refused. */
  close(): Promise<void>;
}

/** Plain JavaScript, run with eval: the worker loads nothing of ours, so it runs the same under ts-jest. */
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const nodeInput = Buffer.alloc(65, 0x01);
parentPort.on('message', ({ joined, count }) => {
  const leafTexts = joined.split('\\n');
  if (leafTexts.length !== count) throw new RangeError('a leaf text holds a line break');
  let level = leafTexts.map((text) => hash('sha256', '\\u0000' + text, 'buffer'));
  while (level.length > 1) {
    const next = [];
    for (let index = 0; index < level.length; index += 2) {
      level[index].copy(nodeInput, 1);
      level[index + 1].copy(nodeInput, 33);
      next.push(hash('sha256', nodeInput, 'buffer'));
    }
    level = next;
  }
  parentPort.postMessage(new Uint8Array(level[0]));
});
`;

export const startSubtreeHasher = (): SubtreeHasher => {
  const worker = new Worker(workerSource, { eval: true });
  const waiting: { resolve: (root: Buffer) => void; reject: (error: unknown) => void }[] = [];
  /** Once the worker has failed or exited, every run is refused at once rather than posted to nobody. */
  let stopped: unknown;
  const refuseAll = (error: unknown): void => {
    stopped ??= error;
    for (const run of waiting.splice(0)) run.reject(error);
  };
  worker.on('message', (root: Uint8Array) => waiting.shift()?.resolve(Buffer.from(root)));
  worker.on('error', refuseAll);
  worker.on('exit', () => refuseAll(new Error('the subtree hasher stopped before it answered')));
  return {
    rootOf(leafTexts) {
      if (!isCompleteSubtreeSize(leafTexts.length)) {
        return Promise.reject(new RangeError(`a perfect tree has a power of two of leaves, not ${leafTexts.length}`));
      }
      if (stopped !== undefined) return Promise.reject(stopped);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        // One string crosses to the worker far cheaper than an array of a thousand.
        worker.postMessage({ joined: leafTexts.join('\n'), count: leafTexts.length });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
};
