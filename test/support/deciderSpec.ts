import type { LedgerEvent } from '../../src/events/ledgerEvents';
import type { DecisionContext } from '../../src/ledger/judging';
import { decideSubject, type SubjectCommand } from '../../src/ledger/subject';
import { evolveSubject, initialSubjectState } from '../../src/ledger/subjectState';

/** A decider: pure functions from (command, state, context) to events, and from events to state. */
export interface Decider<State, Command, Context> {
  decide(command: Command, state: State, context: Context): LedgerEvent[];
  evolve(state: State, event: LedgerEvent): State;
  initialState(): State;
}

/**
 * given(events).when(command).then(events) | .thenRefuses(code, details?): a decider's rules, read as rules.
 */
export const deciderSpec =
  <State, Command, Context>(decider: Decider<State, Command, Context>) =>
  (history: LedgerEvent[], context: Context) => ({
    when: (command: Command) => {
      const decide = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()), context);
      return {
        then: (expected: LedgerEvent[]) => expect(decide()).toEqual(expected),
        /** Refused with this code, and with these details among the refusal's, when given. */
        thenRefuses: (code: string, details?: Record<string, unknown>) => {
          let refusal: unknown;
          try {
            decide();
          } catch (error) {
            refusal = error;
          }
          expect(refusal).toMatchObject(details ? { code, details } : { code });
        },
      };
    },
  });

/** The subject decider's specification. */
export const given = deciderSpec<ReturnType<typeof initialSubjectState>, SubjectCommand, DecisionContext>({
  decide: decideSubject,
  evolve: evolveSubject,
  initialState: initialSubjectState,
});
