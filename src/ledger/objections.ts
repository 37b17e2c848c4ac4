import type { EventStore, Position } from '../events/eventStore';
import { isLedgerEvent, objectionStream, type EvidenceRef, type ReversalReason } from '../events/ledgerEvents';
import type { ObjectionOutcome, ReconsiderationOutcome } from '../events/objectionEvents';
import { derivedId, eventIdFor, foldWith, handleCommand } from './commandHandler';
import { LedgerRuleViolation } from './errors';
import type { CommandContext } from './commandHandler';
import type { EntryFacts, Ledger } from './ledger';
import {
  decideObjection,
  entryInEffect,
  evolveObjection,
  initialObjectionState,
  isObjectionOpen,
  objectionNotFound,
  type Amendment,
  type ObjectionCommand,
  type ObjectionState,
} from './objection';
import type { SchemeBook } from './schemeBook';
import type { WorkingDayCalendar } from './workingDays';

/**
 * The write side of objections: commands in, events appended to the objection's stream, and the decision's
 * effect on the entry carried out through the ledger (upheld, reversed or amended on the subject's stream).
 *
 * Order of the two writes: the objection's decider judges the command first, at one instant; the effect on
 * the entry is carried out next; the objection's event is written last, judged again at that same instant.
 * So the objection never records an outcome its entry does not show, and a refusal by the ledger (an
 * amendment to an unknown rule) leaves nothing written. A failure between the two leaves the objection
 * awaiting its decision: retrying the command (same idempotency key) completes it, and otherwise the
 * deadline sweeper reverses the entry when the decision falls due, which the subject never loses by.
 * The price of this order: two officers deciding the same objection in the same few milliseconds could both
 * reach the entry before the objection's stream refuses the second; claiming an objection before deciding it
 * (an assignment event) would close that, and is not built.
 *
 * The effect's idempotency key derives from the objection id and the step (`decision:reversed`...), not from
 * the request: however the decision is retried, it reaches the entry once.
 */

/** The ledger's side of an objection: what the entry is, and what a decision does to it. */
export type EntryLedger = Pick<Ledger, 'entryFacts' | 'reverseEntry' | 'upholdEntry' | 'amendEntry'>;

/** Who acts: a resident (with their own subject id), the entry's recorder, an officer, or the system. */
export interface ObjectionActor extends CommandContext {
  /** Holds the senior appeal officer's rank (role seniorAppealOfficer). */
  senior?: boolean;
}

/**
 * How many objections one entry may have, one after the other. Each closes before the next is filed, and
 * each is a full review with its reconsideration; the bound also bounds the search for the next free one.
 */
export const objectionsPerEntryMax = 20;

export interface NewObjection {
  subjectId: string;
  entryId: string;
  grounds: string;
  evidence?: EvidenceRef[];
}

export interface Decision extends Amendment {
  objectionId: string;
  reasons: string;
}

interface Written {
  objectionId: string;
  position: Position;
  replayed: boolean;
}

export interface AutoReversal extends Written {
  subjectId: string;
  /** The entry reversed: the original, or the replacement an amendment posted. */
  entryId: string;
  stage: 'objection' | 'reconsideration';
  dueBy: string;
}

export interface Objections {
  /** The objection id derives from the entry and the number of objections before it (see objectionsPerEntryMax). */
  fileObjection(
    command: NewObjection,
    actor: ObjectionActor,
  ): Promise<Written & { evidenceDueBy: string; decisionDueBy: string }>;
  /** From the entry's recorder (the evidence requested) or from the subject (new information). */
  submitEvidence(
    command: { objectionId: string; evidence: EvidenceRef[] },
    actor: ObjectionActor,
  ): Promise<Written & { from: 'recorder' | 'subject' }>;
  extendDeadline(command: { objectionId: string }, actor: ObjectionActor): Promise<Written & { decisionDueBy: string }>;
  decide(
    command: Decision & { outcome: ObjectionOutcome },
    actor: ObjectionActor,
  ): Promise<Written & { outcome: ObjectionOutcome; amendedEntryId?: string; reconsiderationDueBy?: string }>;
  requestReconsideration(
    command: { objectionId: string; grounds: string },
    actor: ObjectionActor,
  ): Promise<Written & { decisionDueBy: string }>;
  decideReconsideration(
    command: Decision & { outcome: ReconsiderationOutcome },
    actor: ObjectionActor,
  ): Promise<Written & { outcome: ReconsiderationOutcome; amendedEntryId?: string }>;
  /** The scheduler's step for one objection whose awaited decision is overdue at `now`. */
  reverseMissedDeadline(objectionId: string, now: Date): Promise<AutoReversal>;
  /** The subject an objection is about, or undefined when there is no such objection. */
  subjectOf(objectionId: string): Promise<string | undefined>;
}

export interface ObjectionsOptions {
  store: EventStore;
  ledger: EntryLedger;
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
  clock: () => Date;
}

/** The system actor of automatic reversals. */
export const sweeperActor = 'system';

/** What a decision does to the entry. */
type EntryEffect =
  { kind: 'uphold' } | { kind: 'reverse'; reason: ReversalReason } | { kind: 'amend' } | { kind: 'none' };

const firstInstanceEffects: Record<ObjectionOutcome, EntryEffect> = {
  upheld: { kind: 'uphold' },
  frivolous: { kind: 'uphold' },
  reversed: { kind: 'reverse', reason: 'objectionReversed' },
  unverifiable: { kind: 'reverse', reason: 'unverifiable' },
  amended: { kind: 'amend' },
};

const reconsiderationEffects: Record<ReconsiderationOutcome, EntryEffect> = {
  // The first decision went against the subject and stands: the entry is as it was left.
  confirmed: { kind: 'none' },
  reversed: { kind: 'reverse', reason: 'reconsidered' },
  amended: { kind: 'amend' },
};

const foldObjection = foldWith(initialObjectionState, evolveObjection);

export const createObjections = ({ store, ledger, schemes, calendar, clock }: ObjectionsOptions): Objections => {
  const load = async (objectionId: string) => {
    const events = (await store.readStream(objectionStream(objectionId))).filter(isLedgerEvent);
    return { events, state: foldObjection(events) };
  };

  const judge = (command: ObjectionCommand, state: ObjectionState, now: Date, { actorSubjectId }: CommandContext) =>
    decideObjection(command, state, { now, schemes, calendar, actorSubjectId });

  const record = (command: ObjectionCommand, context: CommandContext, now: Date) =>
    handleCommand<ObjectionState>({
      store,
      stream: objectionStream(command.objectionId),
      fold: foldObjection,
      decide: (state) => judge(command, state, now, context),
      context,
    });

  const written = (objectionId: string, outcome: { position: Position; replayed: boolean }): Written => ({
    objectionId,
    position: outcome.position,
    replayed: outcome.replayed,
  });

  /** The entry the objection now bears on, as the subject's stream has it. */
  const entryNow = async (state: ObjectionState): Promise<EntryFacts> => {
    const { filed } = state;
    const entryId = entryInEffect(state);
    const facts = filed && entryId ? await ledger.entryFacts(filed.subjectId, entryId) : undefined;
    if (!filed || !facts) throw new Error(`objection ${filed?.objectionId}: its entry ${entryId} is not in the ledger`);
    return facts;
  };

  /** Carries out the effect on the entry, once per objection and step; returns the replacement's id after an amendment. */
  const carryOut = async (
    effect: EntryEffect,
    entry: EntryFacts,
    { objectionId, reasons, points, ruleCode }: Decision,
    step: string,
    actorId: string,
  ): Promise<string | undefined> => {
    const target = { subjectId: entry.subjectId, entryId: entry.entryId };
    const context = { idempotencyKey: derivedId(objectionId, `entry:${step}`), actorId };
    switch (effect.kind) {
      case 'uphold':
        await ledger.upholdEntry({ ...target, objectionId }, context);
        return undefined;
      case 'reverse':
        await ledger.reverseEntry({ ...target, reason: effect.reason, objectionId, reasons }, context);
        return undefined;
      case 'amend': {
        const amendment = {
          ...(points !== undefined ? { points } : {}),
          ...(ruleCode !== undefined ? { ruleCode } : {}),
        };
        return (await ledger.amendEntry({ ...target, objectionId, reasons, ...amendment }, context)).entryId;
      }
      case 'none':
        return undefined;
    }
  };

  /**
   * The officer's decisions: judge, carry out, record (see the order above). A command already recorded is a
   * retry: it returns the first result without judging or carrying out anything again.
   */
  const decideAndCarryOut = async (
    decision: Decision,
    actor: ObjectionActor,
    step: string,
    effect: EntryEffect,
    command: (amendedEntryId?: string) => ObjectionCommand,
  ) => {
    const now = clock();
    const { events, state } = await load(decision.objectionId);
    if (events.some((event) => event.id === eventIdFor(actor.idempotencyKey, 0))) {
      return record(command(), actor, now);
    }
    if (!state.filed) throw objectionNotFound(decision.objectionId);
    judge(command(), state, now, actor);
    const amendedEntryId = await carryOut(effect, await entryNow(state), decision, step, actor.actorId);
    return record(command(amendedEntryId), actor, now);
  };

  /** The first objection slot of the entry that is free, open (the decider refuses a second), or this command's own. */
  const slotFor = async (entryId: string, idempotencyKey: string, now: Date): Promise<string> => {
    const ownFirstEvent = eventIdFor(idempotencyKey, 0);
    for (let ordinal = 0; ordinal < objectionsPerEntryMax; ordinal += 1) {
      const objectionId = derivedId(entryId, `objection-${ordinal}`);
      const { events, state } = await load(objectionId);
      if (!state.filed || events[0]?.id === ownFirstEvent || isObjectionOpen(state, now)) return objectionId;
    }
    throw new LedgerRuleViolation(
      'objection-limit-reached',
      `entry ${entryId} has had ${objectionsPerEntryMax} objections, the most one entry may have`,
      { max: objectionsPerEntryMax },
    );
  };

  /**
   * Reverses the entry for a missed deadline. An entry that no longer counts (reversed by a decision whose
   * record a failure cut off, or repaired meanwhile) has nothing left to reverse: the objection still closes.
   */
  const reverseUnlessGone = async (
    entry: EntryFacts,
    objectionId: string,
    dueBy: string,
    key: string,
  ): Promise<void> => {
    try {
      await ledger.reverseEntry(
        {
          subjectId: entry.subjectId,
          entryId: entry.entryId,
          reason: 'deadlineMissed',
          objectionId,
          reasons: `objection ${objectionId} was not decided by ${dueBy}: the entry is reversed in the subject's favour`,
        },
        { idempotencyKey: key, actorId: sweeperActor },
      );
    } catch (error) {
      if (!(error instanceof LedgerRuleViolation && error.code === 'entry-not-in-effect')) throw error;
    }
  };

  return {
    async fileObjection(command, actor) {
      const now = clock();
      const entry = await ledger.entryFacts(command.subjectId, command.entryId);
      if (!entry) {
        throw new LedgerRuleViolation(
          'entry-not-found',
          `subject ${command.subjectId} has no entry ${command.entryId}`,
          {
            entryId: command.entryId,
          },
        );
      }
      const objectionId = await slotFor(command.entryId, actor.idempotencyKey, now);
      const outcome = await record(
        {
          type: 'FileObjection',
          objectionId,
          entry,
          grounds: command.grounds,
          evidence: command.evidence ?? [],
          filedBy: actor.actorId,
        },
        actor,
        now,
      );
      const filed = outcome.state.filed as NonNullable<ObjectionState['filed']>;
      return {
        ...written(objectionId, outcome),
        evidenceDueBy: filed.evidenceDueBy,
        decisionDueBy: filed.decisionDueBy,
      };
    },

    async submitEvidence({ objectionId, evidence }, actor) {
      const outcome = await record(
        {
          type: 'SubmitEvidence',
          objectionId,
          evidence,
          by: actor.actorId,
        },
        actor,
        clock(),
      );
      const from = outcome.state.filed?.recorderId === actor.actorId ? 'recorder' : 'subject';
      return { ...written(objectionId, outcome), from };
    },

    async extendDeadline({ objectionId }, actor) {
      const outcome = await record({ type: 'ExtendDecisionDeadline', objectionId, by: actor.actorId }, actor, clock());
      return { ...written(objectionId, outcome), decisionDueBy: outcome.state.decisionDueBy as string };
    },

    async decide(decision, actor) {
      const { objectionId, outcome, reasons, points, ruleCode } = decision;
      const result = await decideAndCarryOut(
        decision,
        actor,
        `decision:${outcome}`,
        firstInstanceEffects[outcome],
        (amendedEntryId) => ({
          type: 'DecideObjection',
          objectionId,
          outcome,
          reasons,
          decidedBy: actor.actorId,
          ...(points !== undefined ? { points } : {}),
          ...(ruleCode !== undefined ? { ruleCode } : {}),
          ...(amendedEntryId ? { amendedEntryId } : {}),
        }),
      );
      const decided = result.state.decision as NonNullable<ObjectionState['decision']>;
      return {
        ...written(objectionId, result),
        outcome: decided.outcome,
        ...(decided.amendedEntryId ? { amendedEntryId: decided.amendedEntryId } : {}),
        ...(decided.reconsiderationDueBy ? { reconsiderationDueBy: decided.reconsiderationDueBy } : {}),
      };
    },

    async requestReconsideration({ objectionId, grounds }, actor) {
      const outcome = await record(
        {
          type: 'RequestReconsideration',
          objectionId,
          grounds,
          by: actor.actorId,
        },
        actor,
        clock(),
      );
      const request = outcome.state.reconsiderationRequest as NonNullable<ObjectionState['reconsiderationRequest']>;
      return { ...written(objectionId, outcome), decisionDueBy: request.decisionDueBy };
    },

    async decideReconsideration(decision, actor) {
      const { objectionId, outcome, reasons, points, ruleCode } = decision;
      const result = await decideAndCarryOut(
        decision,
        actor,
        `reconsideration:${outcome}`,
        reconsiderationEffects[outcome],
        (amendedEntryId) => ({
          type: 'DecideReconsideration',
          objectionId,
          outcome,
          reasons,
          decidedBy: actor.actorId,
          senior: actor.senior === true,
          ...(points !== undefined ? { points } : {}),
          ...(ruleCode !== undefined ? { ruleCode } : {}),
          ...(amendedEntryId ? { amendedEntryId } : {}),
        }),
      );
      const decided = result.state.reconsideration as NonNullable<ObjectionState['reconsideration']>;
      return {
        ...written(objectionId, result),
        outcome: decided.outcome,
        ...(decided.amendedEntryId ? { amendedEntryId: decided.amendedEntryId } : {}),
      };
    },

    async reverseMissedDeadline(objectionId, now) {
      const { events, state } = await load(objectionId);
      if (!state.filed) throw objectionNotFound(objectionId);
      const stage = state.reconsiderationRequest ? 'reconsideration' : 'objection';
      const sweeper = { idempotencyKey: derivedId(objectionId, `deadline:${stage}`), actorId: sweeperActor };
      const command: ObjectionCommand = { type: 'ReverseMissedDeadline', objectionId };
      const entry = await entryNow(state);
      if (!events.some((event) => event.id === eventIdFor(sweeper.idempotencyKey, 0))) {
        const [reversal] = judge(command, state, now, sweeper);
        const { dueBy } = reversal?.data as { dueBy: string };
        await reverseUnlessGone(entry, objectionId, dueBy, derivedId(objectionId, `entry:deadline:${stage}`));
      }
      const outcome = await record(command, sweeper, now);
      const reversal = (outcome.state.reconsiderationAutoReversal ?? outcome.state.autoReversal) as { dueBy: string };
      return {
        ...written(objectionId, outcome),
        subjectId: entry.subjectId,
        entryId: entry.entryId,
        stage,
        dueBy: reversal.dueBy,
      };
    },

    async subjectOf(objectionId) {
      const [first] = await store.readStream(objectionStream(objectionId), { maxCount: 1 });
      return first && isLedgerEvent(first) && first.type === 'ObjectionFiled' ? first.data.subjectId : undefined;
    },
  };
};
