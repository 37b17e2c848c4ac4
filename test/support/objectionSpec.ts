import type { LedgerEvent } from '../../src/events/ledgerEvents';
import {
  decideObjection,
  evolveObjection,
  initialObjectionState,
  type ObjectionCommand,
  type ObjectionDecisionContext,
} from '../../src/ledger/objection';

/**
 * given(events).when(command).then(events) | .thenRefuses(code): the objection decider's rules, read as rules.
 */
export const given = (history: LedgerEvent[], context: ObjectionDecisionContext) => ({
  when: (command: ObjectionCommand) => {
    const decide = () => decideObjection(command, history.reduce(evolveObjection, initialObjectionState()), context);
    return {
      then: (expected: LedgerEvent[]) => expect(decide()).toEqual(expected),
      thenRefuses: (code: string) => {
        let refusal: unknown;
        try {
          decide();
        } catch (error) {
          refusal = error;
        }
        expect(refusal).toMatchObject({ code });
      },
    };
  },
});
