import { decideObjection, evolveObjection, initialObjectionState } from '../../src/ledger/objection';
import { deciderSpec } from './deciderSpec';

/** The objection decider's specification: given(events).when(command).then(events) | .thenRefuses(code). */
export const given = deciderSpec({
  decide: decideObjection,
  evolve: evolveObjection,
  initialState: initialObjectionState,
});
