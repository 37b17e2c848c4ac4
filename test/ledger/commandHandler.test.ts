import { v7 as uuidv7 } from 'uuid';
import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import type { LedgerEvent } from '../../src/events/ledgerEvents';
import {
  conflictRetriesMax,
  foldWith,
  handleCommand,
  type HandleCommandOptions,
} from '../../src/ledger/commandHandler';
import { LedgerConflict } from '../../src/ledger/errors';
import { createStreamStates, type StreamStates } from '../../src/ledger/streamStates';
import type { EventStore } from '../../src/events/eventStore';

const stream = 'subject-s1';
const registered: LedgerEvent = {
  type: 'SubjectRegistered',
  data: { subjectId: 's1', kind: 'organization', baseline: 1000, registeredBy: 'clerk' },
};

/** Counts the events folded, so a test can see which state the decision was taken on. */
const options = (
  store: EventStore,
  decide: (seen: number) => LedgerEvent[],
  idempotencyKey = 'key-1',
  states?: StreamStates<number>,
) => ({
  store,
  stream,
  fold: foldWith(
    () => 0,
    (seen: number) => seen + 1,
  ),
  decide,
  context: { idempotencyKey, actorId: 'clerk' },
  ...(states ? { states } : {}),
});

/** The options of a command that came from the API request with this fingerprint. */
const fingerprinted = <State>(
  base: HandleCommandOptions<State>,
  requestFingerprint: string,
): HandleCommandOptions<State> => ({
  ...base,
  context: { ...base.context, requestFingerprint },
});

/** Another writer appends to the stream between this command's read and its append. */
const competingWrite = (store: ReturnType<typeof createInMemoryEventStore>) =>
  store.appendToStream(stream, [
    { id: uuidv7(), type: 'SubjectRegistered', data: registered.data, metadata: { schemaVersion: 1 } },
  ]);

describe('handling a command', () => {
  it('appends the decided events at the revision it read', async () => {
    const store = createInMemoryEventStore();
    const outcome = await handleCommand(options(store, () => [registered]));
    expect(outcome).toMatchObject({ state: 1, replayed: false });
    expect(await store.getStreamRevision(stream)).toBe(0n);
  });

  it('decides again on the new state when another writer got there first', async () => {
    const store = createInMemoryEventStore();
    const seenAtDecision: number[] = [];
    await handleCommand(
      options(store, (seen) => {
        seenAtDecision.push(seen);
        if (seenAtDecision.length === 1) void competingWrite(store);
        return [registered];
      }),
    );
    expect(seenAtDecision).toEqual([0, 1]);
    expect(await store.getStreamRevision(stream)).toBe(1n);
  });

  it(`gives up with a conflict after ${conflictRetriesMax} retries, writing nothing of its own`, async () => {
    const store = createInMemoryEventStore();
    const attempt = handleCommand(
      options(store, () => {
        void competingWrite(store);
        return [registered];
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(LedgerConflict);
    expect(await store.getStreamRevision(stream)).toBe(BigInt(conflictRetriesMax));
  });

  it('returns the first result to a retry with the same key, without deciding or writing', async () => {
    const store = createInMemoryEventStore();
    const first = await handleCommand(options(store, () => [registered]));
    const retry = await handleCommand(
      options(store, () => {
        throw new Error('a retry must not decide again');
      }),
    );
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await store.getStreamRevision(stream)).toBe(0n);
  });

  it('answers a retry with the state the command left, not with the state later commands made', async () => {
    const store = createInMemoryEventStore();
    const first = await handleCommand(options(store, () => [registered]));
    await handleCommand(options(store, () => [registered], 'key-2'));
    const retry = await handleCommand(options(store, () => [registered]));
    expect(retry).toEqual({ ...first, replayed: true });
    expect(retry.state).toBe(1);
  });

  it('answers as a retry when another copy of the command stored other events under the same key first', async () => {
    const store = createInMemoryEventStore();
    const [first, second] = await Promise.all([
      handleCommand(options(store, () => [registered])),
      handleCommand(options(store, () => [registered, registered])),
    ]);
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ ...first, replayed: true });
    expect(await store.getStreamRevision(stream)).toBe(0n);
  });

  it('refuses, as the key reused, an append whose ids another stream holds', async () => {
    const store = createInMemoryEventStore();
    await handleCommand({ ...options(store, () => [registered]), stream: 'subject-s2' });
    await expect(handleCommand(options(store, () => [registered]))).rejects.toMatchObject({
      code: 'idempotency-key-reused',
    });
  });

  it('refuses a command under a key whose first command came from a different request, writing nothing', async () => {
    const store = createInMemoryEventStore();
    await handleCommand(
      fingerprinted(
        options(store, () => [registered]),
        'first request',
      ),
    );
    await expect(
      handleCommand(
        fingerprinted(
          options(store, () => [registered]),
          'another request',
        ),
      ),
    ).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    expect(await store.getStreamRevision(stream)).toBe(0n);
  });

  it('answers as a retry the same request, and a command whose first came with no fingerprint (stored before them)', async () => {
    const store = createInMemoryEventStore();
    const first = await handleCommand(
      fingerprinted(
        options(store, () => [registered]),
        'the request',
      ),
    );
    const retry = await handleCommand(
      fingerprinted(
        options(store, () => [registered]),
        'the request',
      ),
    );
    expect(retry).toEqual({ ...first, replayed: true });
    const older = await handleCommand({ ...options(store, () => [registered], 'key-2'), stream: 'subject-s2' });
    const later = await handleCommand({
      ...options(store, () => [registered], 'key-2'),
      stream: 'subject-s2',
      context: { idempotencyKey: 'key-2', actorId: 'clerk', requestFingerprint: 'the request' },
    });
    expect(later).toEqual({ ...older, replayed: true });
  });

  describe('with the states of the streams it wrote kept', () => {
    /** The store, telling how many events each read of the stream returned. */
    const observed = (store: EventStore) => {
      const eventsRead: number[] = [];
      const reading: EventStore = {
        ...store,
        readStream: async (name, readOptions) => {
          const events = await store.readStream(name, readOptions);
          eventsRead.push(events.length);
          return events;
        },
      };
      return { store: reading, eventsRead };
    };

    it('reads only the events after those it folded before', async () => {
      const { store, eventsRead } = observed(createInMemoryEventStore());
      const states = createStreamStates<number>(100);
      await handleCommand(options(store, () => [registered, registered], 'key-1', states));
      await handleCommand(options(store, () => [registered], 'key-2', states));
      const third = await handleCommand(options(store, () => [registered], 'key-3', states));
      expect(eventsRead).toEqual([0, 2, 1]);
      expect(third.state).toBe(4);
    });

    it('folds in what another writer appended since, and decides on it', async () => {
      const memory = createInMemoryEventStore();
      const { store, eventsRead } = observed(memory);
      const states = createStreamStates<number>(100);
      await handleCommand(options(store, () => [registered], 'key-1', states));
      await handleCommand(options(store, () => [registered], 'key-2', states));
      await competingWrite(memory);
      const seenAtDecision: number[] = [];
      await handleCommand(
        options(
          store,
          (seen) => {
            seenAtDecision.push(seen);
            return [registered];
          },
          'key-3',
          states,
        ),
      );
      expect(seenAtDecision).toEqual([3]);
      expect(eventsRead).toEqual([0, 1, 2]);
      expect(await memory.getStreamRevision(stream)).toBe(3n);
    });

    it('decides the next command on what was stored when the same command ran twice at once', async () => {
      const store = createInMemoryEventStore();
      const states = createStreamStates<number[]>(100);
      /** The baselines registered, in order: the two copies below decide different ones under one key. */
      const baselines = (decide: () => LedgerEvent[], idempotencyKey: string): HandleCommandOptions<number[]> => ({
        store,
        stream,
        fold: (events, state = []) => [
          ...state,
          ...events.flatMap((event) => (event.type === 'SubjectRegistered' ? [event.data.baseline] : [])),
        ],
        decide,
        context: { idempotencyKey, actorId: 'clerk' },
        states,
      });
      const registering = (baseline: number) => () => [{ ...registered, data: { ...registered.data, baseline } }];
      await handleCommand(baselines(registering(1000), 'key-0'));
      await Promise.all([
        handleCommand(baselines(registering(900), 'key-1')),
        handleCommand(baselines(registering(500), 'key-1')),
      ]);
      const next = await handleCommand(baselines(registering(700), 'key-2'));
      expect(next.state).toEqual([1000, 900, 700]);
    });

    it('returns the first result to a retry with the same key, without deciding or writing', async () => {
      const store = createInMemoryEventStore();
      const states = createStreamStates<number>(100);
      const first = await handleCommand(options(store, () => [registered], 'key-1', states));
      const retry = await handleCommand(
        options(
          store,
          () => {
            throw new Error('a retry must not decide again');
          },
          'key-1',
          states,
        ),
      );
      expect(retry).toEqual({ ...first, replayed: true });
      expect(await store.getStreamRevision(stream)).toBe(0n);
    });

    it('decides again on the new state when another writer got there first', async () => {
      const memory = createInMemoryEventStore();
      const states = createStreamStates<number>(100);
      await handleCommand(options(memory, () => [registered], 'key-1', states));
      const seenAtDecision: number[] = [];
      await handleCommand(
        options(
          memory,
          (seen) => {
            seenAtDecision.push(seen);
            if (seenAtDecision.length === 1) void competingWrite(memory);
            return [registered];
          },
          'key-2',
          states,
        ),
      );
      expect(seenAtDecision).toEqual([1, 2]);
      expect(await memory.getStreamRevision(stream)).toBe(2n);
    });
  });
});
