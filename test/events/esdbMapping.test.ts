import {
  AccessDeniedError,
  CancelledError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
} from '@eventstore/db-client';
import {
  START,
  InvalidStoreArgumentError,
  WrongExpectedRevisionError,
  positionFromNumber,
  type NewEvent,
  type RecordedEvent,
} from '../../src/events/eventStore';
import { chainLinks } from '../../src/events/integrity/chainLinks';
import { eventDigest, genesisHash } from '../../src/events/integrity/eventHash';
import {
  fromClientAppendError,
  fromClientAppendPosition,
  fromClientCurrentRevision,
  fromClientExpectedRevision,
  fromClientPosition,
  isAfter,
  isStreamNotFound,
  isTransientClientError,
  isUserEvent,
  positionOf,
  recordedEventFrom,
  streamRevisionFrom,
  toClientExpectedRevision,
  toClientPosition,
  toClientReadPosition,
  toClientReadRevision,
  toJsonEventArguments,
  type ClientRecordedEvent,
  type ClientResolvedEvent,
} from '../../src/events/adapters/esdbMapping';

/** A recorded event shaped as the client gives it: a JSON event in a ledger stream, at commit position 1 234. */
const clientEvent = (overrides: Partial<ClientRecordedEvent> = {}): ClientRecordedEvent => ({
  streamId: 'ledger-tenant1_subject-7',
  id: '0b9f6c4e-4c1e-4c47-9d4a-7c1f1c2f0a11',
  type: 'DeedRecorded',
  revision: 3n,
  created: new Date('2024-05-01T08:30:00.000Z'),
  isJson: true,
  data: { points: 5, sector: 'volunteering' },
  metadata: { schemaVersion: 1, actorId: 'official-1' },
  position: { commit: 1_234n, prepare: 1_234n },
  ...overrides,
});

const resolved = (event: ClientRecordedEvent = clientEvent()): ClientResolvedEvent => ({ event });

const atCommit = (commit: bigint): ClientResolvedEvent =>
  resolved(clientEvent({ position: { commit, prepare: commit } }));

const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: '5a0f3c1e-9b7d-4e2a-8c6f-1d2e3f4a5b6c',
  type: 'DeedRecorded',
  data: { points: 5, nested: { note: '志愿服务 ✓' } },
  metadata: { schemaVersion: 1, actorId: 'official-1', correlationId: 'c-1' },
  ...overrides,
});

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

const recordedAt = new Date('2026-11-26T10:00:00.000Z');

/** The link of a new stream's first event, recorded at recordedAt. */
const linkOf = (event: NewEvent) =>
  chainLinks({ streamName: 'ledger-s1', events: [event], firstRevision: 0n, previousHash: genesisHash, recordedAt })[0];

const argumentsOf = (event: NewEvent) => toJsonEventArguments(event, linkOf(event), recordedAt);

/** What the server gives back for a new event stored as a stream's first, at position 1 234, a little later. */
const storedAndReadBack = (event: NewEvent): RecordedEvent | undefined => {
  const written = jsonEvent(argumentsOf(event));
  return recordedEventFrom(
    resolved(
      clientEvent({
        streamId: 'ledger-s1',
        id: written.id,
        type: written.type,
        revision: 0n,
        created: new Date('2026-11-26T10:00:00.250Z'),
        data: JSON.parse(JSON.stringify(written.data)) as unknown,
        metadata: JSON.parse(JSON.stringify(written.metadata)) as unknown,
      }),
    ),
  );
};

describe('the EventStoreDB mapping', () => {
  it('never loads the client at runtime, so that importing it does not load gRPC', () => {
    jest.isolateModules(() => {
      jest.doMock('@eventstore/db-client', () => {
        throw new Error('the mapping loaded @eventstore/db-client');
      });
      expect(() => jest.requireActual('../../src/events/adapters/esdbMapping')).not.toThrow();
    });
  });

  describe('expected revisions', () => {
    it.each(['any', 'no_stream', 'stream_exists'] as const)('passes %p to the client as the same constant', (named) => {
      expect(toClientExpectedRevision(named)).toBe(named);
    });

    it('passes an exact revision to the client as the same bigint', () => {
      expect(toClientExpectedRevision(7n)).toBe(7n);
    });

    it('refuses a negative expected revision before it reaches the server', () => {
      expect(() => toClientExpectedRevision(-1n)).toThrow(InvalidStoreArgumentError);
    });

    it.each(['any', 'no_stream', 'stream_exists'] as const)('reads the client constant %p back as ours', (named) => {
      expect(fromClientExpectedRevision(named)).toBe(named);
    });

    it.each([
      [-1n, 'no_stream'],
      [-2n, 'any'],
      [-4n, 'stream_exists'],
    ] as const)('reads the .NET expected version %p, which older servers report, as %p', (reported, ours) => {
      expect(fromClientExpectedRevision(reported)).toBe(ours);
    });

    it('reads an expected revision that arrives as a number as a bigint', () => {
      expect(fromClientExpectedRevision(4)).toBe(4n);
    });

    it('reads an actual revision that arrives as a number as a bigint', () => {
      expect(fromClientCurrentRevision(12)).toBe(12n);
    });

    it('reads a negative actual revision, the .NET "no stream", as no_stream', () => {
      expect(fromClientCurrentRevision(-1n)).toBe('no_stream');
    });
  });

  describe('conflicts', () => {
    it('maps a wrong expected version with actual no_stream to our conflict error', () => {
      const conflict = new WrongExpectedVersionError(undefined, {
        streamName: 'ledger-s1',
        expected: 'stream_exists',
        current: 'no_stream',
      });
      const mapped = fromClientAppendError(conflict);
      expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
      expect(mapped).toMatchObject({ stream: 'ledger-s1', expected: 'stream_exists', actual: 'no_stream' });
    });

    it('maps a wrong expected version with an actual revision to our conflict error with both revisions', () => {
      const conflict = new WrongExpectedVersionError(undefined, { streamName: 'ledger-s1', expected: 2n, current: 5n });
      expect(fromClientAppendError(conflict)).toMatchObject({ stream: 'ledger-s1', expected: 2n, actual: 5n });
    });

    it('maps a wrong expected version whose revisions arrive as numbers to bigint revisions', () => {
      const conflict = {
        type: 'wrong-expected-version',
        streamName: 'ledger-s1',
        expectedVersion: 2,
        actualVersion: 5,
      };
      expect(fromClientAppendError(conflict)).toMatchObject({ expected: 2n, actual: 5n });
    });

    it('leaves every other error as it is', () => {
      const denied = new AccessDeniedError();
      const plain = new TypeError('Do not know how to serialize a BigInt');
      expect(fromClientAppendError(denied)).toBe(denied);
      expect(fromClientAppendError(plain)).toBe(plain);
    });
  });

  describe('missing streams and dropped connections', () => {
    it('takes the client StreamNotFoundError for a missing stream, which reads as no events', () => {
      expect(isStreamNotFound(new StreamNotFoundError(undefined, 'ledger-s1'))).toBe(true);
    });

    it('takes no other error for a missing stream', () => {
      expect(isStreamNotFound(StreamDeletedError.fromStreamName('ledger-s1'))).toBe(false);
      expect(isStreamNotFound(new Error('stream-not-found'))).toBe(false);
      expect(isStreamNotFound(undefined)).toBe(false);
    });

    it.each([
      ['unavailable', new UnavailableError()],
      ['cancelled', new CancelledError()],
    ])('resubscribes after a %s error', (_, error) => {
      expect(isTransientClientError(error)).toBe(true);
    });

    it('does not resubscribe after a conflict, a missing stream or an error of ours', () => {
      const conflict = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 1n });
      expect(isTransientClientError(conflict)).toBe(false);
      expect(isTransientClientError(new StreamNotFoundError(undefined, 's'))).toBe(false);
      expect(isTransientClientError(new InvalidStoreArgumentError('not a position'))).toBe(false);
    });
  });

  describe('stream reads', () => {
    it('starts forwards at the first event and backwards at the last by default', () => {
      expect(toClientReadRevision(undefined, undefined)).toBe('start');
      expect(toClientReadRevision(undefined, 'forwards')).toBe('start');
      expect(toClientReadRevision(undefined, 'backwards')).toBe('end');
    });

    it('starts at the revision given, which the client reads inclusively', () => {
      expect(toClientReadRevision(2n, 'forwards')).toBe(2n);
      expect(toClientReadRevision(2n, 'backwards')).toBe(2n);
    });

    it('refuses a negative fromRevision', () => {
      expect(() => toClientReadRevision(-1n, 'forwards')).toThrow(InvalidStoreArgumentError);
    });

    it('gives no_stream as the revision of a stream without a last event', () => {
      expect(streamRevisionFrom(undefined)).toBe('no_stream');
      expect(streamRevisionFrom({})).toBe('no_stream');
    });

    it('gives the revision of the last event as a bigint, even when the client gives a number', () => {
      expect(streamRevisionFrom(resolved(clientEvent({ revision: 41 })))).toBe(41n);
    });
  });

  describe('positions', () => {
    it('encodes a commit position as 20 zero-padded digits', () => {
      expect(fromClientPosition({ commit: 1_234n })).toBe('00000000000000001234');
    });

    it('encodes a commit position that arrives as a number as the same position', () => {
      expect(fromClientPosition({ commit: 1_234 })).toBe(fromClientPosition({ commit: 1_234n }));
    });

    it('encodes the largest commit position the server can give', () => {
      expect(fromClientPosition({ commit: 2n ** 64n - 1n })).toBe('18446744073709551615');
    });

    it('hands a position back to the client with prepare equal to commit', () => {
      expect(toClientPosition('00000000000000001234')).toEqual({ commit: 1_234n, prepare: 1_234n });
    });

    it('round-trips a position through the client', () => {
      const position = positionFromNumber(98_765_432_101n);
      expect(fromClientPosition(toClientPosition(position))).toBe(position);
    });

    it('keeps the order of commit positions in the order of the strings', () => {
      const commits = [2n ** 64n - 1n, 100n, 9n, 10n, 0n, 1_000_000n];
      const byString = commits.map((commit) => fromClientPosition({ commit })).sort();
      const byNumber = [...commits]
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((commit) => fromClientPosition({ commit }));
      expect(byString).toEqual(byNumber);
    });

    it('starts reading after START at the client start, not at an event at position 0', () => {
      expect(toClientReadPosition(START)).toBe('start');
    });

    it('starts reading after any other position at that position', () => {
      expect(toClientReadPosition('00000000000000001234')).toEqual({ commit: 1_234n, prepare: 1_234n });
    });

    it.each(['start', '12', '-0000000000000000001', 'end'])('refuses the malformed position %p', (position) => {
      expect(() => toClientReadPosition(position)).toThrow(InvalidStoreArgumentError);
      expect(() => toClientPosition(position)).toThrow(InvalidStoreArgumentError);
    });

    it("takes an event's position from the event", () => {
      expect(positionOf(atCommit(1_234n))).toBe('00000000000000001234');
    });

    it("takes an event's position from the resolved event's commit position when the event has none", () => {
      expect(positionOf({ event: clientEvent({ position: undefined }), commitPosition: 77 })).toBe(
        '00000000000000000077',
      );
    });

    it('refuses to invent a position the server did not give', () => {
      expect(() => positionOf({ event: clientEvent({ position: undefined }) })).toThrow(/no position/);
    });

    it("gives an append's position as ours", () => {
      expect(fromClientAppendPosition({ commit: 1_234n })).toBe('00000000000000001234');
    });

    it('gives no append position when the server gave none or a negative one, as for a recognised retry', () => {
      expect(fromClientAppendPosition(undefined)).toBeUndefined();
      expect(fromClientAppendPosition({ commit: -1n })).toBeUndefined();
    });

    it('reads after a position exclusively: the event at it is not after it', () => {
      expect(isAfter(atCommit(1_234n), '00000000000000001234')).toBe(false);
    });

    it('reads after a position: a later event is after it and an earlier one is not', () => {
      expect(isAfter(atCommit(1_235n), '00000000000000001234')).toBe(true);
      expect(isAfter(atCommit(1_000n), '00000000000000001234')).toBe(false);
    });

    it('reads every event after START', () => {
      expect(isAfter(atCommit(1n), START)).toBe(true);
    });
  });

  describe('recorded events', () => {
    it('maps a client event to our recorded event', () => {
      expect(recordedEventFrom(resolved())).toEqual({
        id: '0b9f6c4e-4c1e-4c47-9d4a-7c1f1c2f0a11',
        type: 'DeedRecorded',
        data: { points: 5, sector: 'volunteering' },
        metadata: { schemaVersion: 1, actorId: 'official-1' },
        streamName: 'ledger-tenant1_subject-7',
        revision: 3n,
        position: '00000000000000001234',
        recordedAt: new Date('2024-05-01T08:30:00.000Z'),
      });
    });

    it('gives the revision as a bigint when the client gives a number', () => {
      expect(recordedEventFrom(resolved(clientEvent({ revision: 3 })))?.revision).toBe(3n);
    });

    it('gives the position from a commit position that arrives as a number', () => {
      const event = clientEvent({ position: { commit: 1_234, prepare: 1_234 } });
      expect(recordedEventFrom(resolved(event))?.position).toBe('00000000000000001234');
    });

    it('gives recordedAt as a Date of when the server created the event', () => {
      const recordedAt = recordedEventFrom(resolved())?.recordedAt;
      expect(recordedAt).toBeInstanceOf(Date);
      expect(recordedAt?.toISOString()).toBe('2024-05-01T08:30:00.000Z');
    });

    it('skips a resolved event that has no event, such as an unresolved link', () => {
      expect(recordedEventFrom({ commitPosition: 1_234n })).toBeUndefined();
      expect(isUserEvent({ commitPosition: 1_234n })).toBe(false);
    });

    it.each([
      ['a system event type', clientEvent({ type: '$metadata' })],
      ['a link event', clientEvent({ type: '$>', streamId: '$ce-ledger' })],
      ['an event in a system stream', clientEvent({ type: 'StatsCollected', streamId: '$stats-127.0.0.1:2113' })],
    ])('skips %s', (_, event) => {
      expect(recordedEventFrom(resolved(event))).toBeUndefined();
      expect(isUserEvent(resolved(event))).toBe(false);
    });

    it('takes an event of ours for a user event', () => {
      expect(isUserEvent(resolved())).toBe(true);
    });

    it('parses data and metadata that the client gives as bytes', () => {
      const event = clientEvent({
        isJson: false,
        data: bytesOf({ points: 5 }),
        metadata: bytesOf({ schemaVersion: 2 }),
      });
      expect(recordedEventFrom(resolved(event))).toMatchObject({ data: { points: 5 }, metadata: { schemaVersion: 2 } });
    });

    it('parses data that a binary event gives as a string', () => {
      const event = clientEvent({ isJson: false, data: '{"points":5}' });
      expect(recordedEventFrom(resolved(event))?.data).toEqual({ points: 5 });
    });

    it('keeps a string from a JSON event as the JSON string value the client already parsed', () => {
      const event = clientEvent({ data: '{"points":5}' });
      expect(recordedEventFrom(resolved(event))?.data).toBe('{"points":5}');
    });

    it('refuses an event without a metadata object, which this ledger never writes', () => {
      expect(() => recordedEventFrom(resolved(clientEvent({ metadata: undefined })))).toThrow(/no metadata object/);
      expect(() => recordedEventFrom(resolved(clientEvent({ metadata: [1, 2] })))).toThrow(/no metadata object/);
    });
  });

  describe('new events', () => {
    it('gives jsonEvent our id, type and data, and our metadata with the chain link under its reserved key', () => {
      const event = newEvent();
      expect(argumentsOf(event)).toEqual({
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: {
          ...event.metadata,
          ledgerChain: { recordedAt: recordedAt.toISOString(), hash: linkOf(event).hash },
        },
      });
    });

    it('makes a JSON event that keeps our id, so that the server recognises a retry', () => {
      const event = newEvent();
      expect(jsonEvent(argumentsOf(event))).toMatchObject({
        id: event.id,
        contentType: 'application/json',
        type: event.type,
        data: event.data,
      });
    });

    it('refuses metadata that already uses the reserved key, which reading back would strip', () => {
      const event = newEvent({ metadata: { schemaVersion: 1, ledgerChain: 'mine' } as NewEvent['metadata'] });
      expect(() => argumentsOf(event)).toThrow(InvalidStoreArgumentError);
    });
  });

  describe('the hash chain in the metadata', () => {
    it('round-trips an event: its data, its metadata as appended, its recordedAt and its hash', () => {
      const event = newEvent();
      expect(storedAndReadBack(event)).toMatchObject({
        id: event.id,
        data: event.data,
        metadata: event.metadata,
        recordedAt,
        hash: linkOf(event).hash,
      });
    });

    it('reads back an event whose hash verifies: the digest covers exactly what is read back', () => {
      const readBack = storedAndReadBack(newEvent());
      expect(readBack && eventDigest(readBack, genesisHash)).toBe(readBack?.hash);
    });

    it('strips the reserved key from the metadata it reads back', () => {
      expect(storedAndReadBack(newEvent())?.metadata).not.toHaveProperty('ledgerChain');
    });

    it('takes recordedAt from the link, not from when the server created the event', () => {
      expect(storedAndReadBack(newEvent())?.recordedAt.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    });

    it('reads an event written before the chain with the server time as recordedAt and no hash', () => {
      const readBack = recordedEventFrom(resolved());
      expect(readBack?.recordedAt.toISOString()).toBe('2024-05-01T08:30:00.000Z');
      expect(readBack).not.toHaveProperty('hash');
    });

    it('passes a malformed link on as it is, for verification to name the event', () => {
      const event = clientEvent({ metadata: { schemaVersion: 1, ledgerChain: { recordedAt: 'yesterday', hash: 7 } } });
      const readBack = recordedEventFrom(resolved(event));
      expect(Number.isNaN(readBack?.recordedAt.getTime())).toBe(true);
      expect(readBack).not.toHaveProperty('hash');
      expect(readBack?.metadata).toEqual({ schemaVersion: 1 });
    });
  });
});
