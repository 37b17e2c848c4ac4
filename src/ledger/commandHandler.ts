import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '../events/eventStore';
import { isLedgerEvent, type LedgerEvent, type NewLedgerEvent } from '../events/ledgerEvents';
import { LedgerConflict, LedgerRuleViolation } from './errors';
import type { Actor } from './separationOfDuties';
import type { KnownStream, StreamStates } from './streamStates';

/**
 * Read -> decide -> append with the expected revision, retried a bounded number of times when another
 * writer got there first. Idempotency is the ledger's own: event ids derive from the command's
 * idempotency key, so a retried command finds its own first event in the stream and returns that result
 * without writing again.
 */

export const conflictRetriesMax = 3;

/** Namespace for event ids derived from idempotency keys (uuid v5). */
const idempotencyNamespace = '6f1c1f5e-2b8e-4d0a-9a43-5c2f7f6a1e10';

export const eventIdFor = (idempotencyKey: string, index: number): string =>
  uuidv5(`${idempotencyKey}#${index}`, idempotencyNamespace);

/** An id that derives from the idempotency key too, so that a retry names the same thing. */
export const derivedId = (idempotencyKey: string, purpose: string): string =>
  uuidv5(`${idempotencyKey}@${purpose}`, idempotencyNamespace);

/** A fresh key for commands that came without one: each such command is its own. */
export const freshIdempotencyKey = (): string => uuidv7();

export interface CommandOutcome<State> {
  /**
   * The state the command left: after its events, whether written now or, on a retry, found in the stream (later
   * events left out), so that a retry's answer is the first one.
   */
  state: State;
  /** The global position of the command's last event. */
  position: Position;
  /** True when the command had already been carried out and nothing was written now. */
  replayed: boolean;
}

/**
 * Who asks for a command, and under which key: the same key again is the same command, answered as a retry. The actor's
 * own subject id (Actor) goes on to the deciders' contexts.
 */
export interface CommandContext extends Actor {
  idempotencyKey: string;
  actorId: string;
  /**
   * The API request the command came from, hashed, when it came with an Idempotency-Key: kept with its first event,
   * so that the key reused on another request (once the API has forgotten its first answer) is refused, not answered
   * with the first command's result.
   */
  requestFingerprint?: string;
}

export interface HandleCommandOptions<State> {
  store: EventStore;
  stream: string;
  /** Folds events onto a state (the initial one when none is given) into a new state, the one given left as it was. */
  fold: (events: readonly LedgerEvent[], state?: State) => State;
  decide: (state: State) => LedgerEvent[];
  context: CommandContext;
  /** The states of streams folded before: a stream found there is read only after the revision it was folded to. */
  states?: StreamStates<State>;
}

/** The fold of a decider that folds one event at a time, from its initial state. */
export const foldWith =
  <State>(initialState: () => State, evolve: (state: State, event: LedgerEvent) => State) =>
  (events: readonly LedgerEvent[], state: State = initialState()): State =>
    events.reduce(evolve, state);

const stateOf = <State>(events: readonly RecordedEvent[], options: HandleCommandOptions<State>): State =>
  options.fold(events.filter(isLedgerEvent));

/**
 * A stream's state as the store holds it now: read whole, or only after the state kept of it (which it then keeps in
 * its place); undefined if the stream has no events.
 */
export const readStreamState = async <State>(
  options: Pick<HandleCommandOptions<State>, 'store' | 'stream' | 'fold' | 'states'>,
): Promise<KnownStream<State> | undefined> => {
  const { store, stream, states } = options;
  const before = states?.get(stream);
  const recorded = await store.readStream(stream, before ? { fromRevision: before.revision + 1n } : {});
  const last = recorded.at(-1);
  if (!last) return before;
  const eventIds = new Set(before?.eventIds);
  for (const event of recorded) eventIds.add(event.id);
  const known = {
    state: options.fold(recorded.filter(isLedgerEvent), before?.state),
    revision: last.revision,
    eventIds,
  };
  states?.set(stream, known);
  return known;
};

export const handleCommand = async <State>(options: HandleCommandOptions<State>): Promise<CommandOutcome<State>> => {
  const { store, stream, context } = options;
  const { idempotencyKey, actorId, requestFingerprint } = context;
  const firstEventId = eventIdFor(idempotencyKey, 0);
  for (let attempt = 0; attempt <= conflictRetriesMax; attempt += 1) {
    const known = await readStreamState(options);
    if (known?.eventIds.has(firstEventId)) return replay(await store.readStream(stream), firstEventId, options);
    const state = known ? known.state : options.fold([]);
    const decided = options.decide(state);
    if (decided.length === 0) throw new Error(`a command on ${stream} decided no events`);
    const events = decided.map(
      (event, index): NewLedgerEvent =>
        ({
          ...event,
          id: eventIdFor(idempotencyKey, index),
          metadata: {
            schemaVersion: 1,
            actorId,
            idempotencyKey,
            ...(index === 0 && requestFingerprint ? { requestFingerprint } : {}),
          },
        }) as NewLedgerEvent,
    );
    try {
      const result = await store.appendToStream(stream, events, {
        expectedRevision: known ? known.revision : 'no_stream',
      });
      // The state kept stays the one read: the next command reads these events back from the store, since an append
      // the store took for a retry of the same command (ids already stored) wrote nothing, and what it holds may differ.
      const after = options.fold(decided, state);
      return { state: after, position: result.position, replayed: false };
    } catch (error) {
      if (error instanceof DuplicateEventIdError) {
        // Some of these ids are stored: another copy of this command (in another process) got there first, deciding
        // other events. Its result is this command's, as for any retry; ids stored for another reason stay refused.
        const recorded = await store.readStream(stream);
        if (recorded.some((event) => event.id === firstEventId)) return replay(recorded, firstEventId, options);
        throw new LedgerRuleViolation(
          'idempotency-key-reused',
          `the idempotency key ${idempotencyKey} was first used for a command on another stream`,
        );
      }
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  throw new LedgerConflict('concurrent-writes', `stream ${stream} kept changing; try again`, { stream });
};

/**
 * The command ran before: report the position of its last event and the state it left, as of that event. Unless its
 * first event came from another request under the same key (both fingerprinted, and not alike): that is refused.
 */
const replay = <State>(
  recorded: readonly RecordedEvent[],
  firstEventId: string,
  options: HandleCommandOptions<State>,
): CommandOutcome<State> => {
  const firstIndex = recorded.findIndex((event) => event.id === firstEventId);
  const { idempotencyKey, requestFingerprint } = options.context;
  const first = recorded[firstIndex]?.metadata.requestFingerprint;
  if (first !== undefined && requestFingerprint !== undefined && first !== requestFingerprint) {
    throw new LedgerRuleViolation(
      'idempotency-key-reused',
      `the idempotency key ${idempotencyKey} was first used for a different request`,
    );
  }
  // A command's events were appended together, so they follow its first one in the stream.
  let end = firstIndex + 1;
  while (end < recorded.length && recorded[end]?.id === eventIdFor(idempotencyKey, end - firstIndex)) end += 1;
  const left = recorded.slice(0, end);
  return { state: stateOf(left, options), position: (left.at(-1) as RecordedEvent).position, replayed: true };
};
