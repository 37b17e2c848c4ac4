import { canonicalJson } from '../../../src/events/canonicalJson';
import { createHash } from 'node:crypto';
import type { NewEvent } from '../../../src/events/eventStore';
import { chainLinks } from '../../../src/events/integrity/chainLinks';
import { eventDigest, genesisHash } from '../../../src/events/integrity/eventHash';

const recordedAt = new Date('2026-11-26T10:00:00.000Z');

const entry = (id: string, points: number): NewEvent => ({
  id,
  type: 'EntryRecorded',
  data: { ruleCode: 'TRAFFIC-01', points, note: 'Rote Ampel, 红灯' },
  metadata: { schemaVersion: 1, actorId: 'official-1' },
});

const first = entry('0192f0c4-0000-7000-8000-000000000001', -5);
const second = entry('0192f0c4-0000-7000-8000-000000000002', -3);
const third = entry('0192f0c4-0000-7000-8000-000000000003', 2);

/** The same event as a store records it: what eventDigest, and so the verifier, sees. */
const recordedAs = (event: NewEvent, revision: bigint) => ({
  ...event,
  streamName: 'subject-7f3a',
  revision,
  recordedAt,
});

describe('the links a batch adds to its stream hash chain', () => {
  it('links the first event of a stream onto the genesis hash, as eventDigest does', () => {
    const [link] = chainLinks({
      streamName: 'subject-7f3a',
      events: [first],
      firstRevision: 0n,
      previousHash: genesisHash,
      recordedAt,
    });
    expect(link.hash).toBe(eventDigest(recordedAs(first, 0n), genesisHash));
  });

  it('gives a known event the SHA-256 of its documented canonical text', () => {
    const documented =
      '{"data":{"note":"Rote Ampel, 红灯","points":-5,"ruleCode":"TRAFFIC-01"},' +
      '"id":"0192f0c4-0000-7000-8000-000000000001","metadata":{"actorId":"official-1","schemaVersion":1},' +
      `"previousHash":"${'0'.repeat(64)}","recordedAt":"2026-11-26T10:00:00.000Z","revision":"0",` +
      '"streamName":"subject-7f3a","type":"EntryRecorded"}';
    const [link] = chainLinks({
      streamName: 'subject-7f3a',
      events: [first],
      firstRevision: 0n,
      previousHash: genesisHash,
      recordedAt,
    });
    expect(link.hash).toBe(createHash('sha256').update(documented, 'utf8').digest('hex'));
  });

  it('gives the batch contiguous revisions from the first, each chained onto the one before it', () => {
    const previousHash = eventDigest(recordedAs(first, 0n), genesisHash);
    const links = chainLinks({
      streamName: 'subject-7f3a',
      events: [second, third],
      firstRevision: 1n,
      previousHash,
      recordedAt,
    });
    const secondHash = eventDigest(recordedAs(second, 1n), previousHash);
    expect(links.map((link) => link.revision)).toEqual([1n, 2n]);
    expect(links.map((link) => link.hash)).toEqual([secondHash, eventDigest(recordedAs(third, 2n), secondHash)]);
  });

  it('gives one batch the same links as the same events appended one at a time', () => {
    const request = { streamName: 'subject-7f3a', recordedAt };
    const batch = chainLinks({ ...request, events: [first, second], firstRevision: 0n, previousHash: genesisHash });
    const [alone] = chainLinks({ ...request, events: [first], firstRevision: 0n, previousHash: genesisHash });
    const [after] = chainLinks({ ...request, events: [second], firstRevision: 1n, previousHash: alone.hash });
    expect(batch).toEqual([alone, after]);
  });

  it('stores data and metadata as canonical JSON text: the very text its hash covers', () => {
    const [link] = chainLinks({
      streamName: 'subject-7f3a',
      events: [first],
      firstRevision: 0n,
      previousHash: genesisHash,
      recordedAt,
    });
    expect(link.dataJson).toBe(canonicalJson(first.data));
    expect(link.metadataJson).toBe(canonicalJson(first.metadata));
  });

  it('hashes data as it will be read back, so a Date in the data is stored and hashed as its ISO text', () => {
    const decidedAt = new Date('2026-11-20T08:00:00.000Z');
    const withDate = { ...first, data: { ...(first.data as object), decidedAt } };
    const readBack = { ...first, data: { ...(first.data as object), decidedAt: decidedAt.toISOString() } };
    const [link] = chainLinks({
      streamName: 'subject-7f3a',
      events: [withDate],
      firstRevision: 0n,
      previousHash: genesisHash,
      recordedAt,
    });
    expect(JSON.parse(link.dataJson)).toEqual(readBack.data);
    expect(link.hash).toBe(eventDigest(recordedAs(readBack, 0n), genesisHash));
  });

  it.each([
    ['data holding a bigint', { ...first, data: { points: 5n } }],
    ['undefined data', { ...first, data: undefined }],
    ['metadata holding a bigint', { ...first, metadata: { schemaVersion: 1, actorId: 1n as unknown as string } }],
  ])('refuses %s, linking none of the batch', (_, unstorable) => {
    expect(() =>
      chainLinks({
        streamName: 'subject-7f3a',
        events: [first, unstorable],
        firstRevision: 0n,
        previousHash: genesisHash,
        recordedAt,
      }),
    ).toThrow(TypeError);
  });

  it('refuses to chain a later revision onto the genesis hash, or a first one onto a real digest', () => {
    const request = { streamName: 'subject-7f3a', events: [first], recordedAt };
    expect(() => chainLinks({ ...request, firstRevision: 3n, previousHash: genesisHash })).toThrow(RangeError);
    expect(() => chainLinks({ ...request, firstRevision: 0n, previousHash: 'a'.repeat(64) })).toThrow(RangeError);
  });
});
