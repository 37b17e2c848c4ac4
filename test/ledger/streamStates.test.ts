import { createStreamStates, type KnownStream } from '../../src/ledger/streamStates';

/** A stream's state after `events` events, with their ids. */
const after = (stream: string, events: number): KnownStream<string> => ({
  state: `${stream} after ${events}`,
  revision: BigInt(events - 1),
  eventIds: new Set(Array.from({ length: events }, (_, index) => `${stream}-${index}`)),
});

describe('the states kept of streams', () => {
  it('gives back the latest state kept of a stream', () => {
    const states = createStreamStates<string>(10);
    states.set('a', after('a', 2));
    states.set('a', after('a', 3));
    expect(states.get('a')).toEqual(after('a', 3));
    expect(states.get('b')).toBeUndefined();
  });

  it('keeps the later of two states of a stream, whichever comes last', () => {
    const states = createStreamStates<string>(10);
    states.set('a', after('a', 5));
    states.set('a', after('a', 3));
    expect(states.get('a')).toEqual(after('a', 5));
  });

  it('lets the least recently used streams go once it holds more events than its bound', () => {
    const states = createStreamStates<string>(10);
    states.set('a', after('a', 4));
    states.set('b', after('b', 4));
    states.get('a');
    states.set('c', after('c', 4));
    expect(states.get('b')).toBeUndefined();
    expect(states.get('a')).toEqual(after('a', 4));
    expect(states.get('c')).toEqual(after('c', 4));
  });

  it('counts a stream kept again by its new events only once', () => {
    const states = createStreamStates<string>(10);
    states.set('a', after('a', 4));
    states.set('a', after('a', 6));
    states.set('b', after('b', 4));
    expect(states.get('a')).toEqual(after('a', 6));
    expect(states.get('b')).toEqual(after('b', 4));
  });

  it('keeps no stream with more events than its bound', () => {
    const states = createStreamStates<string>(10);
    states.set('a', after('a', 4));
    states.set('a', after('a', 11));
    expect(states.get('a')).toBeUndefined();
  });

  it('refuses a bound that is not a positive whole number', () => {
    expect(() => createStreamStates(0)).toThrow(RangeError);
    expect(() => createStreamStates(1.5)).toThrow(RangeError);
  });
});
