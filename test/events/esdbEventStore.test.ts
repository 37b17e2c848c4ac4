import { jsonEvent } from '@eventstore/db-client';
import { v7 as uuidv7 } from 'uuid';
import { createEsdbEventStore, type EsdbClient } from '../../src/events/adapters/esdbEventStore';
import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '../../src/events/eventStore';
import { eventDigest, genesisHash } from '../../src/events/integrity/eventHash';
import { verifyStoredLog } from '../../src/events/integrity/logAudit';
import { createFakeEsdbClient } from '../contract/fakeEsdbClient';

/**
 * What the EventStoreDB adapter does beyond the contract to keep the hash chain, run against fakeEsdbClient: the
 * recorded time it stamps, where it keeps the link, and the bounded retries of an append that loses the race.
 */

const recordedAt = new Date('2026-11-26T10:00:00.000Z');

const deed = (points = 1): NewEvent => ({
  id: uuidv7(),
  type: 'DeedRecorded',
  data: { points },
  metadata: { schemaVersion: 1, actorId: 'official-1' },
});

/** The raw records of a stream as the server holds them, before the adapter maps them. */
const serverRecordsOf = async (client: EsdbClient, stream: string) => {
  const found = [];
  for await (const resolved of client.readStream(stream, { direction: 'forwards', fromRevision: 'start' })) {
    found.push(resolved.event);
  }
  return found;
};

/**
 * A client whose appends each lose the race to a rival writer first, `losses` times: the rival appends one event
 * of its own to the same stream just before the adapter's append reaches the server.
 */
const losingRaces = (server: EsdbClient, losses: number) => {
  const rival = createEsdbEventStore({ client: server, clock: () => recordedAt });
  let appendCalls = 0;
  const client: EsdbClient = {
    ...server,
    appendToStream: async (stream, events, options) => {
      appendCalls += 1;
      if (appendCalls <= losses) await rival.appendToStream(stream, [deed(100)]);
      return server.appendToStream(stream, events, options);
    },
  };
  return { client, rival, appendCalls: () => appendCalls };
};

const chainHolds = async (store: EventStore, stream: string): Promise<boolean> => {
  let previousHash = genesisHash;
  for (const event of await store.readStream(stream)) {
    if (event.hash !== eventDigest(event, previousHash)) return false;
    previousHash = event.hash;
  }
  return true;
};

describe('the EventStoreDB adapter keeping the hash chain', () => {
  it('stamps recordedAt from its own clock, which the hash covers, not from the server time', async () => {
    const store = createEsdbEventStore({ client: createFakeEsdbClient(), clock: () => recordedAt });
    await store.appendToStream('subject-a', [deed()]);
    const [recorded] = await store.readStream('subject-a');
    expect(recorded.recordedAt).toEqual(recordedAt);
    expect(recorded.hash).toBe(eventDigest(recorded, genesisHash));
  });

  it('keeps the link in the stored metadata under ledgerChain, and gives back only the metadata appended', async () => {
    const server = createFakeEsdbClient();
    const store = createEsdbEventStore({ client: server, clock: () => recordedAt });
    const event = deed();
    await store.appendToStream('subject-a', [event]);
    const [stored] = await serverRecordsOf(server, 'subject-a');
    const [recorded] = await store.readStream('subject-a');
    expect(stored?.metadata).toEqual({
      ...event.metadata,
      ledgerChain: { recordedAt: recordedAt.toISOString(), hash: recorded.hash },
    });
    expect(recorded.metadata).toEqual(event.metadata);
  });

  it.each(['any', 'stream_exists'] as const)(
    'retries an append expecting %s that lost the race, chaining onto the new end each time',
    async (expectedRevision) => {
      const { client, rival, appendCalls } = losingRaces(createFakeEsdbClient(), 2);
      const store = createEsdbEventStore({ client, clock: () => recordedAt });
      await rival.appendToStream('subject-a', [deed()]);
      const result = await store.appendToStream('subject-a', [deed()], { expectedRevision });
      expect(appendCalls()).toBe(3);
      expect(result.nextExpectedRevision).toBe(3n);
      expect(await chainHolds(store, 'subject-a')).toBe(true);
    },
  );

  it('gives up after five lost races with a conflict, writing none of its events', async () => {
    const { client, appendCalls } = losingRaces(createFakeEsdbClient(), Number.MAX_SAFE_INTEGER);
    const store = createEsdbEventStore({ client, clock: () => recordedAt });
    const event = deed();
    const refusal = store.appendToStream('subject-a', [event], { expectedRevision: 'any' });
    await expect(refusal).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(refusal).rejects.toMatchObject({ stream: 'subject-a', expected: 'any', actual: 4n });
    expect(appendCalls()).toBe(5);
    expect((await store.readStream('subject-a')).map((recorded) => recorded.id)).not.toContain(event.id);
  });

  it('leaves a conflict at an exact revision to its caller, without retrying', async () => {
    const { client, appendCalls } = losingRaces(createFakeEsdbClient(), 1);
    const store = createEsdbEventStore({ client, clock: () => recordedAt });
    await expect(store.appendToStream('subject-a', [deed()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      expected: 'no_stream',
      actual: 0n,
    });
    expect(appendCalls()).toBe(1);
  });

  it('refuses an exact revision past the end of the stream before asking the server', async () => {
    const { client, appendCalls } = losingRaces(createFakeEsdbClient(), 0);
    const store = createEsdbEventStore({ client, clock: () => recordedAt });
    await store.appendToStream('subject-a', [deed()]);
    await expect(store.appendToStream('subject-a', [deed()], { expectedRevision: 5n })).rejects.toMatchObject({
      expected: 5n,
      actual: 0n,
    });
    expect(appendCalls()).toBe(1);
  });

  describe('a stream written before the chain', () => {
    const writtenBefore = async () => {
      const server = createFakeEsdbClient();
      const legacy = deed();
      await server.appendToStream(
        'subject-old',
        [jsonEvent({ id: legacy.id, type: legacy.type, data: { points: 1 }, metadata: { schemaVersion: 1 } })],
        { expectedRevision: 'no_stream' },
      );
      return { server, store: createEsdbEventStore({ client: server, clock: () => recordedAt }) };
    };

    it('reads back with the server time as recordedAt and no hash', async () => {
      const { server, store } = await writtenBefore();
      const [stored] = await serverRecordsOf(server, 'subject-old');
      const [recorded] = await store.readStream('subject-old');
      expect(recorded.recordedAt).toEqual(stored?.created);
      expect(recorded).not.toHaveProperty('hash');
    });

    it('is named by verification as missing its hash', async () => {
      const { store } = await writtenBefore();
      const [recorded] = await store.readStream('subject-old');
      expect(await verifyStoredLog(store)).toMatchObject({
        ok: false,
        position: recorded.position,
        reason: 'hash-missing',
      });
    });

    it('takes no event chained onto an event that has no hash', async () => {
      const { store } = await writtenBefore();
      await expect(store.appendToStream('subject-old', [deed()])).rejects.toThrow(/written before the hash chain/);
      await expect(store.appendToStream('subject-old', [deed()], { expectedRevision: 0n })).rejects.toThrow(
        /written before the hash chain/,
      );
      expect(await store.getStreamRevision('subject-old')).toBe(0n);
    });
  });
});
