import fc from 'fast-check';
import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import { isLedgerEvent, type LedgerEvent } from '../../src/events/ledgerEvents';
import { handleCommand, type HandleCommandOptions } from '../../src/ledger/commandHandler';
import { createStreamStates } from '../../src/ledger/streamStates';

/**
 * Property: whatever two writers (each keeping its own states, as two server processes would) do to one stream,
 * commands and retries of them, one at a time or the same one twice at once (deciding other events), no command fails
 * and every decision is taken on the state folded from what the stream holds at that moment.
 */

const stream = 'subject-s1';
/** The state: the baselines registered, in order, so that a state folded from events never stored would show. */
const fold = (events: readonly LedgerEvent[], state: readonly number[] = []): number[] => [
  ...state,
  ...events.flatMap((event) => (event.type === 'SubjectRegistered' ? [event.data.baseline] : [])),
];
const registering = (baseline: number, times: number): LedgerEvent[] =>
  Array.from({ length: times }, () => ({
    type: 'SubjectRegistered',
    data: { subjectId: 's1', kind: 'person', baseline, registeredBy: 'clerk' },
  }));

interface Step {
  writer: 0 | 1;
  /** Few keys, so that some steps are retries of earlier ones. */
  key: number;
  baseline: number;
  /** The same command (same key) sent twice at once, deciding different baselines, and as many events or more. */
  twice: boolean;
  /** How many events the copies decide. */
  times: [number, number];
}

const step: fc.Arbitrary<Step> = fc.record({
  writer: fc.constantFrom(0 as const, 1 as const),
  key: fc.nat(6),
  baseline: fc.integer({ min: 1, max: 1000 }),
  twice: fc.boolean(),
  times: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
});

describe('commands on a stream with its states kept', () => {
  it('never fail, and always decide on the state folded from what the stream holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const store = createInMemoryEventStore();
        const writers = [createStreamStates<number[]>(1_000), createStreamStates<number[]>(1_000)];
        const stored = async () => fold((await store.readStream(stream)).filter(isLedgerEvent));
        for (const { writer, key, baseline, twice, times } of steps) {
          const expected = await stored();
          const decidedOn: number[][] = [];
          const command = (value: number, count: number): HandleCommandOptions<number[]> => ({
            store,
            stream,
            fold,
            decide: (state) => {
              decidedOn.push(state);
              return registering(value, count);
            },
            context: { idempotencyKey: `key-${key}`, actorId: 'clerk' },
            states: writers[writer],
          });
          await (twice
            ? Promise.all([handleCommand(command(baseline, times[0])), handleCommand(command(baseline + 1, times[1]))])
            : handleCommand(command(baseline, times[0])));
          for (const state of decidedOn) expect(state).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});
