import { createHash } from 'node:crypto';
import { eventDigest, eventDigestInput, genesisHash, merkleLeafOf } from '../../../src/events/integrity/eventHash';
import type { RecordedEvent } from '../../../src/events/eventStore';

const firstEvent: RecordedEvent = {
  streamName: 'subject-7f3a',
  revision: 0n,
  position: '00000000000000000042',
  id: '0192f0c4-0000-7000-8000-000000000001',
  type: 'EntryRecorded',
  data: { ruleCode: 'TRAFFIC-01', points: -5, note: 'Rote Ampel, 红灯' },
  metadata: { schemaVersion: 1, actorId: 'official-1' },
  recordedAt: new Date('2026-11-26T10:00:00.000Z'),
};

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the per-stream hash chain', () => {
  it('hashes the documented canonical text: sorted keys, no white space, revision as a decimal string', () => {
    const documented =
      '{"data":{"note":"Rote Ampel, 红灯","points":-5,"ruleCode":"TRAFFIC-01"},' +
      '"id":"0192f0c4-0000-7000-8000-000000000001","metadata":{"actorId":"official-1","schemaVersion":1},' +
      `"previousHash":"${'0'.repeat(64)}","recordedAt":"2026-11-26T10:00:00.000Z","revision":"0",` +
      '"streamName":"subject-7f3a","type":"EntryRecorded"}';
    expect(eventDigestInput(firstEvent, genesisHash)).toBe(documented);
    expect(eventDigest(firstEvent, genesisHash)).toBe(sha256Hex(documented));
  });

  it('chains each event onto the digest of the one before it in its stream', () => {
    const previousHash = eventDigest(firstEvent, genesisHash);
    const second = { ...firstEvent, revision: 1n, id: '0192f0c4-0000-7000-8000-000000000002' };
    expect(eventDigestInput(second, previousHash)).toContain(`"previousHash":"${previousHash}"`);
    expect(eventDigest(second, previousHash)).not.toBe(eventDigest(second, sha256Hex('another history')));
  });

  it.each([
    ['streamName', { streamName: 'subject-0000' }],
    ['revision', { revision: 2n }],
    ['id', { id: '0192f0c4-0000-7000-8000-000000000009' }],
    ['type', { type: 'EntryReversed' }],
    ['data', { data: { ruleCode: 'TRAFFIC-01', points: -6, note: 'Rote Ampel, 红灯' } }],
    ['metadata', { metadata: { schemaVersion: 1, actorId: 'official-2' } }],
    ['recordedAt', { recordedAt: new Date('2026-11-26T10:00:00.001Z') }],
  ])('changes the digest when the %s changes', (_field, change) => {
    const secondEvent = { ...firstEvent, revision: 1n };
    const previousHash = sha256Hex('the first event');
    expect(eventDigest({ ...secondEvent, ...change }, previousHash)).not.toBe(eventDigest(secondEvent, previousHash));
  });

  it('leaves the global position out of the digest, so it can be computed before the store assigns one', () => {
    const elsewhere: RecordedEvent = { ...firstEvent, position: '00000000000000000099' };
    expect(eventDigest(elsewhere, genesisHash)).toBe(eventDigest(firstEvent, genesisHash));
  });

  it('gives the same digest whatever order the data keys were written in', () => {
    const reordered = { ...firstEvent, data: { note: 'Rote Ampel, 红灯', ruleCode: 'TRAFFIC-01', points: -5 } };
    expect(eventDigest(reordered, genesisHash)).toBe(eventDigest(firstEvent, genesisHash));
  });

  it('refuses to chain a first event onto anything but the genesis hash, or a later one onto the genesis hash', () => {
    expect(() => eventDigest(firstEvent, sha256Hex('previous'))).toThrow(RangeError);
    expect(() => eventDigest({ ...firstEvent, revision: 1n }, genesisHash)).toThrow(RangeError);
  });

  it('refuses a previous hash that is not 64 lowercase hex digits', () => {
    expect(() => eventDigest({ ...firstEvent, revision: 1n }, sha256Hex('previous').toUpperCase())).toThrow(RangeError);
  });
});

describe('the Merkle leaf of an event', () => {
  it('is the ASCII text of its position, a colon and its event hash', () => {
    const eventHash = eventDigest(firstEvent, genesisHash);
    expect(merkleLeafOf(firstEvent, eventHash)).toEqual(Buffer.from(`00000000000000000042:${eventHash}`, 'ascii'));
  });

  it('refuses a malformed position or event hash', () => {
    const eventHash = eventDigest(firstEvent, genesisHash);
    expect(() => merkleLeafOf({ position: '42' }, eventHash)).toThrow(RangeError);
    expect(() => merkleLeafOf(firstEvent, eventHash.slice(1))).toThrow(RangeError);
  });
});
