import { decideListing, evolveListing, initialListingState } from '../../src/ledger/listing';
import { deciderSpec } from './deciderSpec';

/** The listing decider's specification: given(events).when(command).then(events) | .thenRefuses(code). */
export const given = deciderSpec({ decide: decideListing, evolve: evolveListing, initialState: initialListingState });
