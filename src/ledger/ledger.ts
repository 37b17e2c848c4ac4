import type { EventStore, Position } from '../events/eventStore';
import { subjectStream } from '../events/ledgerEvents';
import { derivedId, handleCommand } from './commandHandler';
import type { SchemeBook } from './schemeBook';
import {
  decideSubject,
  evolveSubject,
  initialSubjectState,
  type RecordEntry,
  type RegisterSubject,
  type SubjectCommand,
  type SubjectState,
} from './subject';

/**
 * The write side: commands in, events appended. Every command carries an idempotency key; a retry with
 * the same key returns the first result and writes nothing.
 */

export interface CommandContext {
  idempotencyKey: string;
  actorId: string;
}

/** A recorder's command also says which authority they act for. */
export interface RecordingContext extends CommandContext {
  authority: string;
}

export interface Ledger {
  registerSubject(
    /** Without a subjectId, one is derived from the idempotency key (so a retry names the same subject). */
    command: Omit<RegisterSubject, 'type' | 'registeredBy' | 'subjectId'> & { subjectId?: string },
    context: CommandContext,
  ): Promise<{ subjectId: string; position: Position; replayed: boolean }>;
  recordEntry(
    command: Omit<RecordEntry, 'type' | 'recordedBy' | 'entryId' | 'authority'>,
    context: RecordingContext,
  ): Promise<{ entryId: string; position: Position; replayed: boolean; status: 'posted' }>;
}

export interface LedgerOptions {
  store: EventStore;
  schemes: SchemeBook;
  clock: () => Date;
}

export const createLedger = ({ store, schemes, clock }: LedgerOptions): Ledger => {
  const onSubject = (subjectId: string, command: SubjectCommand, context: CommandContext) =>
    handleCommand<SubjectState>({
      store,
      stream: subjectStream(subjectId),
      initialState: initialSubjectState,
      evolve: evolveSubject,
      decide: (state) => decideSubject(command, state, { now: clock(), schemes }),
      idempotencyKey: context.idempotencyKey,
      actorId: context.actorId,
    });

  return {
    async registerSubject(command, context) {
      const subjectId = command.subjectId ?? derivedId(context.idempotencyKey, 'subject');
      const outcome = await onSubject(
        subjectId,
        { ...command, subjectId, type: 'RegisterSubject', registeredBy: context.actorId },
        context,
      );
      return { subjectId, position: outcome.position, replayed: outcome.replayed };
    },
    async recordEntry(command, context) {
      const entryId = derivedId(context.idempotencyKey, 'entry');
      const outcome = await onSubject(
        command.subjectId,
        { ...command, type: 'RecordEntry', entryId, recordedBy: context.actorId, authority: context.authority },
        context,
      );
      return { entryId, position: outcome.position, replayed: outcome.replayed, status: 'posted' };
    },
  };
};
