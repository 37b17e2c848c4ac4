import type { EventStore, NewEvent, RecordedEvent } from '../events/eventStore';
import { isLedgerEvent, subjectStream } from '../events/ledgerEvents';
import { addMonths, formatDate, parseDate } from '../ledger/calendar';
import type { SchemeBook } from '../ledger/schemeBook';
import type { WorkingDayCalendar } from '../ledger/workingDays';
import { appendResuming } from './resumableAppend';
import { decideSubjectHistory, type SubjectHistory } from './subjectHistory';
import { organisationId, residentId } from './cityIds';
import { planSubject, type CityContext, type PlannedStep, type SubjectIdentity, type SubjectKind } from './subjectPlan';

/**
 * A synthetic city: `residents` persons (r-000001...) and `organisations` companies (o-00001...) with `years`
 * of history before its day, each subject planned from the seed and its own id (subjectPlan.ts) and judged by
 * the deciders the API uses (subjectHistory.ts). Residents come first, so that a blacklisted organisation's
 * responsible persons are registered when it is listed.
 *
 * The day. The city's history ends at the start (00:00 UTC) of its `asOf` day, today by default: the dates of
 * everything in it count back from there. Every event id derives from the seed, the day, the subject and the
 * command's place in the subject's plan, so rerunning with the same seed, sizes and day finds each stream's
 * events stored and writes nothing, and a run cut off part-way and started again (with the day it started on)
 * writes only what is missing (resumableAppend.ts). Another seed or day is another city: at the first stream
 * that holds another event where this run would write one, the seed stops and names both.
 *
 * Time. Each command is judged at its own instant in the past (the conduct's recording, the approval, the
 * objection's filing...), so deadlines and effect periods are those of that instant. The store still stamps
 * every event's recordedAt with the moment it is written: recordedAt is knowledge time, when the ledger
 * learnt of the event, and the ledger learns of the whole synthetic past at once.
 */

export interface SeedCityOptions {
  store: EventStore;
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
  clock: () => Date;
  /** An ISO date, not after today's: the city's history ends at its start. Default: today. */
  asOf?: string;
  residents: number;
  organisations: number;
  years: number;
  seed: string;
  /** Commits one group of subjects' appends together where the store can (bulkStore.ts); by default each alone. */
  inOneCommit?: <T>(work: () => Promise<T>) => Promise<T>;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  subjectsDone: number;
  subjectsTotal: number;
  eventsWritten: number;
}

export interface SeedSummary {
  /** The day at whose start the city's history ends. */
  asOf: string;
  subjects: number;
  streams: number;
  eventsWritten: number;
  /** Events of this seed that the store held already: a rerun, or a run resumed after an interruption. */
  eventsAlreadyStored: number;
  /** Commands the rules refused, by problem code (a donation over the period cap...): nothing was written for them. */
  refusals: Record<string, number>;
}

/** Subjects planned, judged and written together: about a thousand events at the default mix. */
export const subjectsPerCommit = 100;

/** A stream holds an event at a revision where this run meant to write another. */
export class SeedConflictError extends Error {
  override readonly name = 'SeedConflictError';
  constructor(
    readonly stored: RecordedEvent,
    readonly meant: NewEvent,
  ) {
    super(
      `stream ${stored.streamName} holds event ${stored.id} (key ${stored.metadata.idempotencyKey ?? 'none'}) ` +
        `at revision ${stored.revision}, where this seed writes ${meant.id} (key ${meant.metadata.idempotencyKey}): ` +
        'the store holds another city (another --seed or --as-of, as the keys show) or the API wrote there; ' +
        'rerun with the seed and day of the first run, or seed into a fresh store',
    );
  }
}

const checkWholeNumber = (name: string, value: number, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name} must be a whole number from ${min}, not ${value}`);
};

/** The kind each named subject registered as, from the first event of its stream (as listings.ts reads it). */
const readRegisteredKinds = async (
  store: EventStore,
  subjectIds: readonly string[],
): Promise<Map<string, SubjectKind>> => {
  const kinds = new Map<string, SubjectKind>();
  for (const subjectId of new Set(subjectIds)) {
    const [first] = await store.readStream(subjectStream(subjectId), { maxCount: 1 });
    if (first && isLedgerEvent(first) && first.type === 'SubjectRegistered') kinds.set(subjectId, first.data.kind);
  }
  return kinds;
};

const responsiblePersonsIn = (steps: readonly PlannedStep[]): string[] =>
  steps.flatMap((step) =>
    step.act === 'listing' && step.command.type === 'AddListing' ? step.command.responsiblePersons : [],
  );

export const seedCity = async (options: SeedCityOptions): Promise<SeedSummary> => {
  checkWholeNumber('residents', options.residents, 0);
  checkWholeNumber('organisations', options.organisations, 0);
  checkWholeNumber('years', options.years, 1);
  const { store, schemes, calendar } = options;
  const inOneCommit = options.inOneCommit ?? ((work) => work());
  const today = formatDate(options.clock());
  const day = options.asOf ?? today;
  const asOf = parseDate(day);
  if (Number.isNaN(asOf.getTime()) || formatDate(asOf) !== day || day > today) {
    throw new RangeError(`asOf must be an ISO date not after today (${today}), not ${day}`);
  }
  const city: CityContext = {
    seed: options.seed,
    asOf,
    start: addMonths(asOf, -12 * options.years),
    schemes,
    calendar,
    residents: options.residents,
  };
  const subjectAt = (index: number): SubjectIdentity =>
    index < options.residents
      ? { subjectId: residentId(index + 1), kind: 'person' }
      : { subjectId: organisationId(index - options.residents + 1), kind: 'organization' };
  const subjectsTotal = options.residents + options.organisations;
  const summary: SeedSummary = {
    asOf: day,
    subjects: subjectsTotal,
    streams: 0,
    eventsWritten: 0,
    eventsAlreadyStored: 0,
    refusals: {},
  };

  const historyOf = async (subject: SubjectIdentity): Promise<SubjectHistory> => {
    const steps = planSubject(subject, city);
    const registeredKinds = await readRegisteredKinds(store, responsiblePersonsIn(steps));
    return decideSubjectHistory(subject.subjectId, steps, { schemes, calendar, asOf, registeredKinds });
  };

  const write = async ({ streams, refusals }: SubjectHistory): Promise<void> => {
    for (const [stream, events] of streams) {
      const { appended, alreadyStored } = await appendResuming(store, stream, 0n, events, (stored, index) => {
        const meant = events[index] as NewEvent;
        if (stored.id !== meant.id) throw new SeedConflictError(stored, meant);
      });
      summary.streams += 1;
      summary.eventsWritten += appended;
      summary.eventsAlreadyStored += alreadyStored;
    }
    for (const code of refusals) summary.refusals[code] = (summary.refusals[code] ?? 0) + 1;
  };

  for (let first = 0; first < subjectsTotal; first += subjectsPerCommit) {
    const group = Array.from({ length: Math.min(subjectsPerCommit, subjectsTotal - first) }, (_, offset) =>
      subjectAt(first + offset),
    );
    await inOneCommit(async () => {
      for (const subject of group) await write(await historyOf(subject));
    });
    options.onProgress?.({
      subjectsDone: first + group.length,
      subjectsTotal,
      eventsWritten: summary.eventsWritten,
    });
  }
  return summary;
};
