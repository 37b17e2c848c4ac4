import type { EventStore, Position } from '../events/eventStore';
import { subjectStream, type EvidenceRef, type Reinstatement, type ReversalReason } from '../events/ledgerEvents';
import { derivedId, handleCommand, readStreamState, type CommandContext } from './commandHandler';
import type { Severity } from './scheme';
import type { SchemeBook } from './schemeBook';
import { decideSubject, type RecordEntry, type RegisterSubject, type SubjectCommand } from './subject';
import { createStreamStates } from './streamStates';
import { foldSubject, type EntryRecord, type EntryStatus, type SubjectState } from './subjectState';

/**
 * The write side of subjects: commands in, events appended to the subject's stream. Every command carries
 * an idempotency key; a retry with the same key returns the first result and writes nothing.
 */

/** A recorder's command also says which authority they act for. */
export interface RecordingContext extends CommandContext {
  authority: string;
}

/**
 * What other parts (objections) need to know of an entry: who recorded and approved it, who reinstated it and approved
 * that, and where it stands.
 */
export interface EntryFacts {
  subjectId: string;
  entryId: string;
  status: EntryStatus;
  recordedBy: string;
  approvedBy?: string;
  reinstatements: Reinstatement[];
  formerOfficials: string[];
  ruleCode: string;
  points: number;
  severity: Severity;
  occurredAt: string;
  effectiveUntil: string;
  evidence: EvidenceRef[];
}

/** The facts of an entry that other parts (objections, the city seed) copy from the subject's state. */
export const entryFactsOf = (entry: EntryRecord): EntryFacts => ({
  subjectId: entry.subjectId,
  entryId: entry.entryId,
  status: entry.status,
  recordedBy: entry.recordedBy,
  ...(entry.approvedBy ? { approvedBy: entry.approvedBy } : {}),
  reinstatements: entry.reinstatements,
  formerOfficials: entry.formerOfficials,
  ruleCode: entry.ruleCode,
  points: entry.points,
  severity: entry.severity,
  occurredAt: entry.occurredAt,
  effectiveUntil: entry.effectiveUntil,
  evidence: entry.evidence,
});

interface Written {
  position: Position;
  replayed: boolean;
}

type About = { subjectId: string; entryId: string };

export interface Ledger {
  registerSubject(
    /** Without a subjectId, one is derived from the idempotency key (so a retry names the same subject). */
    command: Omit<RegisterSubject, 'type' | 'registeredBy' | 'subjectId'> & { subjectId?: string },
    context: CommandContext,
  ): Promise<Written & { subjectId: string }>;
  /** Posted at once, or pending a second person's approval (four eyes). */
  recordEntry(
    command: Omit<RecordEntry, 'type' | 'recordedBy' | 'entryId' | 'authority'>,
    context: RecordingContext,
  ): Promise<Written & { entryId: string; status: 'posted' | 'pending' }>;
  /**
   * Decides what awaits approval on the entry (four eyes): its recording, or its reinstatement. Answers the entry's
   * status after: posted when approved, rejected (a proposed entry) or reversed (a proposed reinstatement) when not.
   */
  decideApproval(
    command: About & { decision: 'approve' | 'reject'; reason?: string },
    context: CommandContext,
  ): Promise<Written & { status: 'posted' | 'rejected' | 'reversed' }>;
  entryFacts(subjectId: string, entryId: string): Promise<EntryFacts | undefined>;
  reverseEntry(
    command: About & { reason: ReversalReason; objectionId?: string; reasons: string },
    context: CommandContext,
  ): Promise<Written>;
  upholdEntry(command: About & { objectionId: string }, context: CommandContext): Promise<Written>;
  amendEntry(
    command: About & { objectionId: string; points?: number; ruleCode?: string; reasons: string },
    context: CommandContext,
  ): Promise<Written & { entryId: string }>;
  /** Reinstated at once, or pending a second person's approval when the entry needs four eyes. */
  reinstateEntry(
    command: About & { evidence: EvidenceRef[]; reasons: string },
    context: RecordingContext,
  ): Promise<Written & { status: 'reinstated' | 'pending' }>;
  addStatementOfDispute(command: About & { text: string }, context: CommandContext): Promise<Written>;
  expireEntry(command: About, context: CommandContext): Promise<Written>;
  requestCreditRepair(
    command: About & { proof: EvidenceRef[] },
    context: CommandContext,
  ): Promise<Written & { repairId: string }>;
  decideCreditRepair(
    command: About & { decision: 'grant' | 'refuse'; reasons: string },
    context: CommandContext,
  ): Promise<Written>;
}

export interface LedgerOptions {
  store: EventStore;
  schemes: SchemeBook;
  clock: () => Date;
}

/**
 * The subject streams whose folded state is kept between commands and reads of an entry's facts (streamStates.ts),
 * counted in events: about 11 MB at the most (a subject of 1,000 entries, 2,000 events, takes 2.2 MB), which holds
 * the few subjects written again and again (a volunteers' association, a company whose file a recorder is entering),
 * whose streams are the long ones.
 */
export const subjectStateEventsMax = 10_000;

export const createLedger = ({ store, schemes, clock }: LedgerOptions): Ledger => {
  const subjectStates = createStreamStates<SubjectState>(subjectStateEventsMax);
  const onSubject = async (
    subjectId: string,
    command: SubjectCommand,
    context: CommandContext,
  ): Promise<Written & { state: SubjectState }> =>
    handleCommand<SubjectState>({
      store,
      stream: subjectStream(subjectId),
      fold: foldSubject,
      states: subjectStates,
      decide: (state) =>
        decideSubject(command, state, { now: clock(), schemes, actorSubjectId: context.actorSubjectId }),
      context,
    });
  const written = ({ position, replayed }: Written): Written => ({ position, replayed });

  return {
    async registerSubject(command, context) {
      const subjectId = command.subjectId ?? derivedId(context.idempotencyKey, 'subject');
      const outcome = await onSubject(
        subjectId,
        { ...command, subjectId, type: 'RegisterSubject', registeredBy: context.actorId },
        context,
      );
      return { subjectId, ...written(outcome) };
    },
    async recordEntry(command, context) {
      const entryId = derivedId(context.idempotencyKey, 'entry');
      const outcome = await onSubject(
        command.subjectId,
        { ...command, type: 'RecordEntry', entryId, recordedBy: context.actorId, authority: context.authority },
        context,
      );
      const status = outcome.state.entries[entryId]?.status === 'pending' ? 'pending' : 'posted';
      return { entryId, status, ...written(outcome) };
    },
    async decideApproval(command, context) {
      const outcome = await onSubject(
        command.subjectId,
        { ...command, type: 'DecideApproval', approverId: context.actorId },
        context,
      );
      const after = outcome.state.entries[command.entryId]?.status;
      const status = command.decision === 'approve' ? 'posted' : after === 'rejected' ? 'rejected' : 'reversed';
      return { status, ...written(outcome) };
    },
    async entryFacts(subjectId, entryId) {
      const known = await readStreamState({
        store,
        stream: subjectStream(subjectId),
        fold: foldSubject,
        states: subjectStates,
      });
      const entry = known?.state.entries[entryId];
      if (!entry) return undefined;
      return entryFactsOf(entry);
    },
    async reverseEntry(command, context) {
      return written(
        await onSubject(command.subjectId, { ...command, type: 'ReverseEntry', decidedBy: context.actorId }, context),
      );
    },
    async upholdEntry(command, context) {
      return written(
        await onSubject(command.subjectId, { ...command, type: 'UpholdEntry', decidedBy: context.actorId }, context),
      );
    },
    async amendEntry(command, context) {
      const newEntryId = derivedId(context.idempotencyKey, 'amended-entry');
      const outcome = await onSubject(
        command.subjectId,
        { ...command, type: 'AmendEntry', newEntryId, decidedBy: context.actorId },
        context,
      );
      return { entryId: newEntryId, ...written(outcome) };
    },
    async reinstateEntry(command, context) {
      const outcome = await onSubject(
        command.subjectId,
        { ...command, type: 'ReinstateEntry', reinstatedBy: context.actorId, authority: context.authority },
        context,
      );
      const status = outcome.state.entries[command.entryId]?.status === 'posted' ? 'reinstated' : 'pending';
      return { status, ...written(outcome) };
    },
    async addStatementOfDispute(command, context) {
      return written(await onSubject(command.subjectId, { ...command, type: 'AddStatementOfDispute' }, context));
    },
    async expireEntry(command, context) {
      return written(await onSubject(command.subjectId, { ...command, type: 'ExpireEntry' }, context));
    },
    async requestCreditRepair(command, context) {
      const repairId = derivedId(context.idempotencyKey, 'repair');
      const outcome = await onSubject(
        command.subjectId,
        { ...command, type: 'RequestCreditRepair', repairId, requestedBy: context.actorId },
        context,
      );
      return { repairId, ...written(outcome) };
    },
    async decideCreditRepair(command, context) {
      return written(
        await onSubject(
          command.subjectId,
          { ...command, type: 'DecideCreditRepair', officerId: context.actorId },
          context,
        ),
      );
    },
  };
};
