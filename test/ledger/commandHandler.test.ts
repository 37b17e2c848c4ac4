import { v7 as uuidv7 } from 'uuid';
import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import type { LedgerEvent } from '../../src/events/ledgerEvents';
import { conflictRetriesMax, foldWith, handleCommand } from '../../src/ledger/commandHandler';
import { LedgerConflict } from '../../src/ledger/errors';

const stream = 'subject-s1';
const registered: LedgerEvent = {
  type: 'SubjectRegistered',
  data: { subjectId: 's1', kind: 'organization', baseline: 1000, registeredBy: 'clerk' },
};

/** Counts the events folded, so a test can see which state the decision was taken on. */
const options = (
  store: ReturnType<typeof createInMemoryEventStore>,
  decide: (seen: number) => LedgerEvent[],
  idempotencyKey = 'key-1',
) => ({
  store,
  stream,
  fold: foldWith(
    () => 0,
    (seen: number) => seen + 1,
  ),
  decide,
  idempotencyKey,
  actorId: 'clerk',
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
});
