import {
  listingStream,
  objectionStream,
  subjectStream,
  type LedgerEvent,
  type NewLedgerEvent,
} from '../events/ledgerEvents';
import { derivedId, eventIdFor } from '../ledger/commandHandler';
import type { EntryLifecycleCommand } from '../ledger/entryLifecycle';
import { LedgerRuleViolation } from '../ledger/errors';
import { entryFactsOf } from '../ledger/ledger';
import { decideListing, evolveListing, initialListingState, type ListingState } from '../ledger/listing';
import {
  decideObjection,
  evolveObjection,
  initialObjectionState,
  type FileObjection,
  type ObjectionState,
} from '../ledger/objection';
import type { SchemeBook } from '../ledger/schemeBook';
import { decideSubject, type SubjectCommand } from '../ledger/subject';
import { foldSubject, initialSubjectState, type EntryRecord, type SubjectState } from '../ledger/subjectState';
import type { WorkingDayCalendar } from '../ledger/workingDays';
import type { SeededOutcome } from './cityHabits';
import type { PlannedStep, SubjectKind } from './subjectPlan';

/**
 * Runs one subject's plan through the deciders the API uses (decideSubject, decideObjection, decideListing),
 * each command at its own instant, folding every stream's state in memory as it goes. What comes out is what
 * the API would have written had each command been sent to it at that instant: the same events, with ids
 * derived from each command's idempotency key as the command handler derives them.
 *
 * Officials act only on what their queues would show: an approval on a pending entry, an objection on a
 * posted one. A command the rules refuse (a donation over the period cap, say) writes nothing, as the API
 * would answer 422, and its code is counted. Expiries are the scheduler's: every entry that takes effect
 * expires at the end of its effect period, if that has come by `asOf` and the entry is still posted then,
 * under the scheduler's own idempotency key.
 */

export interface HistoryContext {
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
  asOf: Date;
  /** The registered kind of every other subject the plan names (a listed organisation's responsible persons). */
  registeredKinds: ReadonlyMap<string, SubjectKind>;
}

export interface SubjectHistory {
  /** The events of each stream, the subject's first, in the order they are to be appended. */
  streams: Map<string, NewLedgerEvent[]>;
  /** The codes of the commands the rules refused. */
  refusals: string[];
}

/** The scheduler's actor and key for an expiry (expirySweep.ts), so that a later tick finds it done. */
const schedulerActor = 'system';
const expiryKey = (entryId: string): string => `system:expire:${entryId}`;

/** What a first-instance decision does to the entry, as objections.ts carries it out. */
const entryEffectOf = (
  outcome: SeededOutcome,
  about: { subjectId: string; entryId: string; objectionId: string },
  decidedBy: string,
  reasons: string,
): EntryLifecycleCommand => {
  switch (outcome) {
    case 'upheld':
    case 'frivolous':
      return { type: 'UpholdEntry', ...about, decidedBy };
    case 'reversed':
      return { type: 'ReverseEntry', ...about, reason: 'objectionReversed', reasons, decidedBy };
    case 'unverifiable':
      return { type: 'ReverseEntry', ...about, reason: 'unverifiable', reasons, decidedBy };
  }
};

export const decideSubjectHistory = (
  subjectId: string,
  steps: readonly PlannedStep[],
  context: HistoryContext,
): SubjectHistory => {
  const { schemes, calendar, asOf } = context;
  let subject: SubjectState = initialSubjectState();
  const objections = new Map<string, ObjectionState>();
  const listings = new Map<string, ListingState>();
  const streams = new Map<string, NewLedgerEvent[]>();
  const refusals: string[] = [];
  /** Expiries falling due, earliest first. */
  const expiries: { at: Date; entryId: string }[] = [];

  const append = (stream: string, events: readonly LedgerEvent[], key: string, actorId: string): void => {
    const recorded = streams.get(stream) ?? [];
    events.forEach((event, index) => {
      recorded.push({
        ...event,
        id: eventIdFor(key, index),
        metadata: { schemaVersion: 1, actorId, idempotencyKey: key },
      } as NewLedgerEvent);
    });
    streams.set(stream, recorded);
  };

  const onSubject = (command: SubjectCommand, at: Date, key: string, actorId: string): void => {
    const events = decideSubject(command, subject, { now: at, schemes });
    subject = foldSubject(events, subject);
    append(subjectStream(subjectId), events, key, actorId);
    for (const event of events) {
      if (event.type !== 'EntryPosted') continue;
      const due = new Date(event.data.effectiveUntil);
      if (due > asOf) continue;
      const position = expiries.findIndex((expiry) => expiry.at > due);
      expiries.splice(position === -1 ? expiries.length : position, 0, { at: due, entryId: event.data.entryId });
    }
  };

  const postedEntry = (entryId: string): EntryRecord | undefined => {
    const entry = subject.entries[entryId];
    return entry?.status === 'posted' ? entry : undefined;
  };

  /** The kinds a listing checks, as read from the streams: this subject's own and the others' the plan names. */
  const registeredKinds = (): Map<string, SubjectKind> => {
    const kinds = new Map(context.registeredKinds);
    if (subject.kind) kinds.set(subjectId, subject.kind);
    return kinds;
  };

  const expire = ({ at, entryId }: { at: Date; entryId: string }): void => {
    if (!postedEntry(entryId)) return;
    onSubject({ type: 'ExpireEntry', subjectId, entryId }, at, expiryKey(entryId), schedulerActor);
  };

  const take = (step: PlannedStep): void => {
    const { at, key, actorId } = step;
    switch (step.act) {
      case 'subject': {
        const { command } = step;
        if (command.type === 'DecideApproval' && subject.entries[command.entryId]?.status !== 'pending') return;
        onSubject(command, at, key, actorId);
        return;
      }
      case 'fileObjection': {
        const entry = postedEntry(step.entryId);
        if (!entry) return;
        const command: FileObjection = {
          type: 'FileObjection',
          objectionId: step.objectionId,
          entry: entryFactsOf(entry),
          grounds: step.grounds,
          evidence: [],
          filedBy: actorId,
        };
        const events = decideObjection(command, initialObjectionState(), {
          now: at,
          schemes,
          calendar,
          actorSubjectId: subjectId,
        });
        objections.set(step.objectionId, events.reduce(evolveObjection, initialObjectionState()));
        append(objectionStream(step.objectionId), events, key, actorId);
        return;
      }
      case 'decideObjection': {
        const state = objections.get(step.objectionId);
        const entry = state?.filed && subject.entries[state.filed.entryId];
        if (!state || !entry) return;
        const { objectionId, outcome, reasons } = step;
        // As objections.ts: judged first, carried out on the entry, recorded; nothing is kept if either refuses.
        const decided = decideObjection(
          { type: 'DecideObjection', objectionId, outcome, reasons, decidedBy: actorId },
          state,
          { now: at, schemes, calendar },
        );
        const effect = entryEffectOf(outcome, { subjectId, entryId: entry.entryId, objectionId }, actorId, reasons);
        onSubject(effect, at, derivedId(objectionId, `entry:decision:${outcome}`), actorId);
        objections.set(objectionId, decided.reduce(evolveObjection, state));
        append(objectionStream(objectionId), decided, key, actorId);
        return;
      }
      case 'listing': {
        const { command } = step;
        const state = listings.get(command.listingId) ?? initialListingState();
        if (command.type !== 'AddListing' && !state.added) return;
        const events = decideListing(
          command.type === 'AddListing' ? { ...command, registeredKinds: registeredKinds() } : command,
          state,
          { now: at, schemes, calendar },
        );
        listings.set(command.listingId, events.reduce(evolveListing, state));
        append(listingStream(command.listingId), events, key, actorId);
        return;
      }
    }
  };

  const runExpiriesUntil = (instant: Date): void => {
    for (let next = expiries[0]; next && next.at <= instant; next = expiries[0]) {
      expiries.shift();
      expire(next);
    }
  };

  for (const step of steps) {
    runExpiriesUntil(step.at);
    try {
      take(step);
    } catch (error) {
      if (!(error instanceof LedgerRuleViolation)) throw error;
      refusals.push(error.code);
    }
  }
  runExpiriesUntil(asOf);
  return { streams, refusals };
};
