import { createHash } from 'node:crypto';
import type { EvidenceRef } from '../events/ledgerEvents';
import { addMonths, anniversary, formatDate, parseDate } from '../ledger/calendar';
import { derivedId } from '../ledger/commandHandler';
import type { DecideApproval } from '../ledger/entryLifecycle';
import { needsFourEyes } from '../ledger/judging';
import type { AddListing, RemoveListing, RequestListingRemoval } from '../ledger/listing';
import { blacklistAuthority as court, restrictions, type Restriction } from '../ledger/listingCodes';
import { isRange, type EvidenceKind, type RuleItem, type Scheme } from '../ledger/scheme';
import type { SchemeBook } from '../ledger/schemeBook';
import type { RecordEntry, RegisterSubject } from '../ledger/subject';
import type { WorkingDayCalendar } from '../ledger/workingDays';
import * as habits from './cityHabits';
import { appealOfficer, approver, recorderOf, registryClerk } from './cityOfficials';
import {
  deductionNarratives,
  objectionGrounds,
  objectionReasons,
  rejectionReason,
  volunteerNarrative,
} from './cityTexts';
import { residentId } from './cityIds';
import { createRandom } from './random';

/**
 * What happens to one subject of the synthetic city, as a list of commands at their instants: registration,
 * entries (proposed and then approved or rejected when they need four eyes), objections and their decisions,
 * and court listings with their removals. Pure and deterministic: the subject's random numbers come from the
 * city's seed and the subject's id alone, so a subject's plan does not depend on any other's, nor on the
 * order subjects are seeded in. Expiries are not planned: they follow from the entries the deciders post
 * (see subjectHistory.ts). Nothing here is judged: subjectHistory.ts runs the plan through the deciders.
 */

export type SubjectKind = 'person' | 'organization';

export interface SubjectIdentity {
  subjectId: string;
  kind: SubjectKind;
}

export interface CityContext {
  seed: string;
  /** The instant the seeded history ends (the start of a day): nothing is planned after it. */
  asOf: Date;
  /** The instant it starts: asOf less the years seeded. */
  start: Date;
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
  /** How many residents the city has: a blacklisted organisation's responsible persons are among them. */
  residents: number;
}

interface StepBase {
  at: Date;
  /** The command's idempotency key: its events' ids derive from it, as for a command sent to the API. */
  key: string;
  actorId: string;
}

export type PlannedListingCommand = Omit<AddListing, 'registeredKinds'> | RequestListingRemoval | RemoveListing;

export type PlannedStep = StepBase &
  (
    | { act: 'subject'; command: RegisterSubject | RecordEntry | DecideApproval }
    | { act: 'fileObjection'; objectionId: string; entryId: string; grounds: string }
    | { act: 'decideObjection'; objectionId: string; outcome: habits.SeededOutcome; reasons: string }
    | { act: 'listing'; command: PlannedListingCommand }
  );

/** A listing planned, as its removal needs it. */
interface PlannedListing {
  listingId: string;
  recorder: string;
  scheme: Scheme;
}

const dayMs = 86_400_000;
const minuteMs = 60_000;
const yearMs = 365.25 * dayMs;
/** Delays are whole days plus up to a working day's 8 hours, so that acts do not all fall at one minute of the day. */
const workingDayMinutes = 480;
/**
 * Steps that count working days (an objection's deadlines, a removal's due date) are planned only when the
 * calendar covers them and this many days more: the longest count any of them makes, 10 working days, fits
 * in it even across the week-long holidays.
 */
const workingDayHorizonDays = 30;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const planSubject = (subject: SubjectIdentity, city: CityContext): PlannedStep[] => {
  const random = createRandom(`${city.seed}/${subject.subjectId}`);
  const { asOf, schemes, calendar } = city;
  const steps: PlannedStep[] = [];
  let ordinal = 0;
  const nextKey = (): string => `seed-${city.seed}@${formatDate(asOf)}:${subject.subjectId}:${ordinal++}`;

  const later = (instant: Date, days: { min: number; max: number }): Date =>
    new Date(
      instant.getTime() + random.integer(days.min, days.max) * dayMs + random.integer(0, workingDayMinutes) * minuteMs,
    );
  const earlier = (a: Date, b: Date): Date => (a < b ? a : b);
  const calendarCovers = (from: Date, to: Date): boolean =>
    from.getUTCFullYear() >= calendar.years.from &&
    new Date(to.getTime() + workingDayHorizonDays * dayMs).getUTCFullYear() <= calendar.years.to;
  /** Every document the plan has issued, by issuer and number: one document stands behind one entry of a subject. */
  const issued = new Set<string>();
  const documentOf = (kind: EvidenceKind, scheme: Scheme, authority: string, at: Date): EvidenceRef => {
    const issuer = scheme.authorities.find((item) => item.code === authority)?.title ?? authority;
    let documentNumber: string;
    do {
      documentNumber = `${at.getUTCFullYear()}-${kind}-${String(random.integer(1, 999_999)).padStart(6, '0')}`;
    } while (issued.has(`${issuer}/${documentNumber}`));
    issued.add(`${issuer}/${documentNumber}`);
    return { kind, issuer, documentNumber, sha256: sha256(`${issuer}/${documentNumber}/${subject.subjectId}`) };
  };

  const register = (): Date => {
    const key = nextKey();
    const clerk = registryClerk(random);
    if (subject.kind === 'organization') {
      steps.push({
        at: city.start,
        key,
        actorId: clerk,
        act: 'subject',
        command: { type: 'RegisterSubject', subjectId: subject.subjectId, kind: 'organization', registeredBy: clerk },
      });
      return city.start;
    }
    const { minimumAgeYears } = schemes.forReading(asOf);
    // Whole days of age, kept clear of the birthdays that bound the range, so every resident is of age today.
    const ageDays = random.integer(
      Math.ceil(minimumAgeYears * 365.25) + 2,
      Math.floor((habits.oldestResidentAgeYears + 1) * 365.25) - 2,
    );
    const birthDate = formatDate(new Date(asOf.getTime() - ageDays * dayMs));
    const adultFrom = parseDate(anniversary(birthDate, minimumAgeYears));
    const registeredAt = adultFrom > city.start ? adultFrom : city.start;
    steps.push({
      at: registeredAt,
      key,
      actorId: clerk,
      act: 'subject',
      command: {
        type: 'RegisterSubject',
        subjectId: subject.subjectId,
        kind: 'person',
        birthDate,
        registeredBy: clerk,
      },
    });
    return registeredAt;
  };

  const planObjection = (entryId: string, postedAt: Date): void => {
    const filedAt = later(postedAt, habits.objectionFilingDelayDays);
    const decidedAt = later(filedAt, habits.objectionDecisionDelayDays);
    if (filedAt > asOf || !calendarCovers(filedAt, earlier(decidedAt, asOf))) return;
    const objectionId = derivedId(entryId, 'objection-0');
    const grounds = random.pick(objectionGrounds);
    steps.push({
      at: filedAt,
      key: nextKey(),
      actorId: subject.subjectId,
      act: 'fileObjection',
      objectionId,
      entryId,
      grounds,
    });
    if (decidedAt > asOf) return;
    const outcome = random.weighted(habits.objectionOutcomes);
    const reasons = objectionReasons[outcome];
    steps.push({
      at: decidedAt,
      key: nextKey(),
      actorId: appealOfficer(random),
      act: 'decideObjection',
      objectionId,
      outcome,
      reasons,
    });
  };

  const responsiblePersons = (): string[] => {
    if (subject.kind === 'person') return [];
    const count = Math.min(
      random.integer(habits.responsiblePersonsPerListing.min, habits.responsiblePersonsPerListing.max),
      city.residents,
    );
    const chosen = new Set<string>();
    while (chosen.size < count) chosen.add(residentId(random.integer(1, city.residents)));
    return [...chosen];
  };

  const planListing = (judgedAt: Date, scheme: Scheme): void => {
    const listedAt = later(judgedAt, habits.listingDelayDays);
    const persons = responsiblePersons();
    if (listedAt > asOf || (subject.kind === 'organization' && persons.length === 0)) return;
    const key = nextKey();
    const listingId = derivedId(key, 'listing');
    const recorder = recorderOf(court, random);
    const chosen = new Set<Restriction>();
    const restrictionCount = random.integer(habits.restrictionsPerListing.min, habits.restrictionsPerListing.max);
    while (chosen.size < restrictionCount) chosen.add(random.pick(restrictions));
    steps.push({
      at: listedAt,
      key,
      actorId: recorder,
      act: 'listing',
      command: {
        type: 'AddListing',
        listingId,
        list: 'blacklist',
        subjectId: subject.subjectId,
        ground: random.weighted(habits.blacklistGroundWeights),
        legalAct: documentOf('courtJudgment', scheme, court, listedAt),
        restrictions: [...chosen],
        responsiblePersons: persons,
        listedAt: listedAt.toISOString(),
        recordedBy: recorder,
        authority: court,
      },
    });
    const listing = { listingId, recorder, scheme };
    const until = addMonths(listedAt, scheme.listings.maxMonths);
    const removedEarly = random.chance(habits.removedEarlyShare);
    const triggeredAt = later(listedAt, habits.removalTriggerDelayDays);
    if (removedEarly && triggeredAt < until) planEarlyRemoval(listing, triggeredAt);
    else planPeriodEnd(listing, until);
  };

  /** The debtor pays or settles: the court is asked to remove the listing, and removes it (late, sometimes). */
  const planEarlyRemoval = ({ listingId, recorder, scheme }: PlannedListing, triggeredAt: Date): void => {
    const requestedAt = later(triggeredAt, habits.removalRequestDelayDays);
    const removedAt = later(requestedAt, habits.removalDelayDays);
    if (requestedAt > asOf || !calendarCovers(triggeredAt, earlier(removedAt, asOf))) return;
    const trigger = { reason: random.weighted(habits.earlyRemovalReasons), triggeredAt: triggeredAt.toISOString() };
    steps.push({
      at: requestedAt,
      key: nextKey(),
      actorId: recorder,
      act: 'listing',
      command: {
        type: 'RequestListingRemoval',
        listingId,
        ...trigger,
        evidence: [documentOf('courtJudgment', scheme, court, triggeredAt)],
        requestedBy: recorder,
        authority: court,
      },
    });
    if (removedAt > asOf) return;
    const command: RemoveListing = {
      type: 'RemoveListing',
      listingId,
      ...trigger,
      recordedBy: recorder,
      authority: court,
    };
    steps.push({ at: removedAt, key: nextKey(), actorId: recorder, act: 'listing', command });
  };

  /** The listing's period ends: the court records its removal. */
  const planPeriodEnd = ({ listingId, recorder }: PlannedListing, until: Date): void => {
    const removedAt = later(until, habits.removalDelayDays);
    if (removedAt > asOf || !calendarCovers(until, removedAt)) return;
    const command: RemoveListing = {
      type: 'RemoveListing',
      listingId,
      reason: 'periodEnded',
      recordedBy: recorder,
      authority: court,
    };
    steps.push({ at: removedAt, key: nextKey(), actorId: recorder, act: 'listing', command });
  };

  /** An entry, its second pair of eyes, and what may follow once it takes effect: an objection, a listing. */
  const planEntry = (rule: RuleItem, scheme: Scheme, occurredAt: Date): void => {
    const recordedAt = later(occurredAt, habits.recordingDelayDays);
    if (recordedAt > asOf) return;
    const key = nextKey();
    const entryId = derivedId(key, 'entry');
    const authority = random.pick(rule.recordingAuthorities);
    const recorder = recorderOf(authority, random);
    // A rule with a range takes the recorder's points and a narrative; a fixed rule takes neither.
    const chosen = isRange(rule.points) ? random.integer(rule.points.min, rule.points.max) : undefined;
    const points = chosen ?? (typeof rule.points === 'number' ? rule.points : 0);
    steps.push({
      at: recordedAt,
      key,
      actorId: recorder,
      act: 'subject',
      command: {
        type: 'RecordEntry',
        entryId,
        subjectId: subject.subjectId,
        ruleCode: rule.code,
        occurredAt: occurredAt.toISOString(),
        evidence: [documentOf(random.pick(rule.evidenceKinds), scheme, authority, occurredAt)],
        ...(chosen === undefined
          ? {}
          : { points: chosen, narrative: chosen > 0 ? volunteerNarrative(chosen) : random.pick(deductionNarratives) }),
        recordedBy: recorder,
        authority,
      },
    });
    let postedAt = recordedAt;
    if (needsFourEyes(scheme, rule, points)) {
      const decidedAt = later(recordedAt, habits.approvalDelayDays);
      if (decidedAt > asOf) return;
      const rejected = random.chance(habits.rejectedProposalShare);
      const second = approver(random);
      steps.push({
        at: decidedAt,
        key: nextKey(),
        actorId: second,
        act: 'subject',
        command: {
          type: 'DecideApproval',
          subjectId: subject.subjectId,
          entryId,
          decision: rejected ? 'reject' : 'approve',
          ...(rejected ? { reason: rejectionReason } : {}),
          approverId: second,
        },
      });
      if (rejected) return;
      postedAt = decidedAt;
    }
    if (rule.direction !== 'addition' && random.chance(habits.objectedShare)) planObjection(entryId, postedAt);
    if (habits.payingJudgmentRules.includes(rule.code) && authority === 'court' && random.chance(habits.listedShare)) {
      planListing(postedAt, scheme);
    }
  };

  /** Each rule's conduct as a Poisson process over the window, at the subject's propensity for its kind. */
  const planConduct = (from: Date): void => {
    const misconduct = Math.min(random.logNormal(habits.misconductSpread), habits.propensityMax);
    const civic = Math.min(random.logNormal(habits.civicSpread), habits.propensityMax);
    for (const rule of schemes.forReading(asOf).catalogue) {
      const rate = (habits.conductRates[rule.code] ?? habits.unknownRuleRate)[subject.kind];
      const perMs = (rate * (rule.direction === 'addition' ? civic : misconduct)) / yearMs;
      if (perMs === 0) continue;
      for (let at = from.getTime() + random.exponential(perMs); at <= asOf.getTime(); at += random.exponential(perMs)) {
        const occurredAt = new Date(Math.floor(at / minuteMs) * minuteMs);
        const scheme = schemes.inForceAt(occurredAt);
        const inForce = scheme?.catalogue.find((item) => item.code === rule.code);
        if (scheme && inForce) planEntry(inForce, scheme, occurredAt);
      }
    }
  };

  const registeredAt = register();
  // Conduct before the first scheme version took effect has no rule to be judged under.
  const firstScheme = parseDate((schemes.versions[0] as Scheme).effectiveFrom);
  planConduct(registeredAt > firstScheme ? registeredAt : firstScheme);
  // Stable: steps at the same instant keep the order they were planned in.
  return steps.sort((a, b) => a.at.getTime() - b.at.getTime());
};
