import type { LedgerEvent } from '../../src/events/ledgerEvents';
import {
  decideListing,
  evolveListing,
  initialListingState,
  type ListingCommand,
  type ListingDecisionContext,
} from '../../src/ledger/listing';

/**
 * given(events).when(command).then(events) | .thenRefuses(code): the listing decider's rules, read as rules.
 */
export const given = (history: LedgerEvent[], context: ListingDecisionContext) => ({
  when: (command: ListingCommand) => {
    const decide = () => decideListing(command, history.reduce(evolveListing, initialListingState()), context);
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
