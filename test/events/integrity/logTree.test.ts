import { createHash } from 'node:crypto';
import { START } from '../../../src/events/eventStore';
import { merkleLeafOf } from '../../../src/events/integrity/eventHash';
import { createLogTree } from '../../../src/events/integrity/logTree';
import { createTreeAccumulator, leafHash, rootOf } from '../../../src/events/integrity/merkle';
import { startSubtreeHasher } from '../../../src/events/integrity/subtreeHasher';

/** Logged events as the tree takes them: a position and a well-formed stored hash. */
const loggedEvents = (count: number, first = 1) =>
  Array.from({ length: count }, (_, index) => ({
    position: String(first + index).padStart(START.length, '0'),
    hash: createHash('sha256')
      .update(`event ${first + index}`)
      .digest('hex'),
  }));

const leafHashesOf = (events: ReturnType<typeof loggedEvents>): Buffer[] =>
  events.map((event) => leafHash(merkleLeafOf(event, event.hash)));

describe('the log tree, its complete runs hashed on a worker thread', () => {
  it('has the root of the tree built leaf by leaf, for logs ending before, on and after run boundaries', async () => {
    for (const size of [0, 1, 3, 4, 5, 8, 13, 64, 70]) {
      const events = loggedEvents(size);
      const tree = createLogTree({ runLeaves: 4 });
      events.forEach((event) => tree.add(event));
      const whole = await tree.finish();
      expect({ size, root: whole.root() }).toEqual({ size, root: rootOf(leafHashesOf(events)) });
      expect(whole.size()).toBe(size);
    }
  });

  it('goes on from a frontier that is not at a run boundary to the tree of the whole log', async () => {
    const events = loggedEvents(29);
    const earlier = createTreeAccumulator();
    leafHashesOf(events.slice(0, 6)).forEach((leaf) => earlier.add(leaf));
    const tree = createLogTree({ from: earlier.frontier(), runLeaves: 8 });
    events.slice(6).forEach((event) => tree.add(event));
    const whole = await tree.finish();
    expect(whole.root()).toEqual(rootOf(leafHashesOf(events)));
    expect(whole.frontier()).toEqual(
      (() => {
        const direct = createTreeAccumulator();
        leafHashesOf(events).forEach((leaf) => direct.add(leaf));
        return direct.frontier();
      })(),
    );
  });

  it('refuses an event whose stored hash is malformed, when it is taken', async () => {
    const tree = createLogTree({ runLeaves: 4 });
    expect(() => tree.add({ position: loggedEvents(1)[0]!.position, hash: 'not a hash' })).toThrow(RangeError);
    expect(() => tree.add({ position: loggedEvents(1)[0]!.position })).toThrow(RangeError);
    await tree.close();
  });

  it('keeps the default run of 1,024 leaves, across several runs and a tail', async () => {
    const events = loggedEvents(3 * 1_024 + 5);
    const tree = createLogTree();
    for (const event of events) {
      tree.add(event);
      await tree.keptUp();
    }
    expect((await tree.finish()).root()).toEqual(rootOf(leafHashesOf(events)));
  });
});

describe('the subtree hasher', () => {
  it('answers the root of the perfect tree over the leaves it is given, in the order the runs were given', async () => {
    const hasher = startSubtreeHasher();
    try {
      const runs = [1, 2, 16, 4].map((count, index) => loggedEvents(count, 100 * index + 1));
      const roots = await Promise.all(runs.map((run) => hasher.rootOf(run.map((e) => `${e.position}:${e.hash}`))));
      expect(roots).toEqual(runs.map((run) => rootOf(leafHashesOf(run))));
    } finally {
      await hasher.close();
    }
  });

  it('refuses a run with a leaf text holding a line break, rather than hash other leaves', async () => {
    const hasher = startSubtreeHasher();
    try {
      await expect(hasher.rootOf(['a\nb', 'c'])).rejects.toThrow('line break');
      // The worker is gone: a later run is refused, not left waiting for ever.
      await expect(hasher.rootOf(['a', 'b'])).rejects.toThrow('line break');
    } finally {
      await hasher.close();
    }
  });

  it('refuses a run whose leaf count is not a power of two', async () => {
    const hasher = startSubtreeHasher();
    try {
      await expect(hasher.rootOf(['a', 'b', 'c'])).rejects.toThrow(RangeError);
      await expect(hasher.rootOf([])).rejects.toThrow(RangeError);
    } finally {
      await hasher.close();
    }
  });
});
