import type { LedgerEvent } from '../../src/events/ledgerEvents';
import type { DecisionContext } from '../../src/ledger/judging';
import { decideSubject, type SubjectCommand } from '../../src/ledger/subject';
import { evolveSubject, initialSubjectState } from '../../src/ledger/subjectState';

/**
 * given(events).when(command).then(events) | .thenRefuses(code): the subject decider's rules, read as rules.
 */
export const given = (history: LedgerEvent[], context: DecisionContext) => ({
  when: (command: SubjectCommand) => {
    const decide = () => decideSubject(command, history.reduce(evolveSubject, initialSubjectState()), context);
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
