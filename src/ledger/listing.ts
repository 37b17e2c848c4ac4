import type {
  EvidenceRef,
  LedgerEvent,
  ListingAdded,
  ListingRemovalRequested,
  ListingRemoved,
  SubjectRegistered,
} from '../events/ledgerEvents';
import { addMonths } from './calendar';
import { LedgerConflict, LedgerForbidden, LedgerRuleViolation, ListingNotFound, SubjectNotFound } from './errors';
import {
  blacklistAuthority,
  blacklistGrounds,
  legalActKindsByList,
  removalReasonsByList,
  type ListName,
  type RemovalReason,
  type Restriction,
} from './listingCodes';
import { officialEvidenceKinds, type EvidenceKind, type Scheme } from './scheme';
import type { SchemeBook } from './schemeBook';
import { requireNotOwnRecord, type Actor } from './separationOfDuties';
import { addWorkingDays, addWorkingDaysWithinCover, coverEndsAt, type WorkingDayCalendar } from './workingDays';

/**
 * The listing decider: one stream per listing on the blacklist of judgment defaulters or the red list.
 * Pure: `decideListing(command, state, context)` returns events or throws; `evolveListing` folds one event.
 *
 * A listing is active from listedAt until `until` (exclusive) unless removed: past `until` it binds nobody
 * and cannot be extended, even before its ListingRemoved{periodEnded} is recorded. A removal from the
 * blacklist is allowed whenever it is triggered, however late, since it favours the subject; it records
 * whether it came after it was due.
 */

export type SubjectKind = SubjectRegistered['kind'];

export interface ListingState {
  added?: ListingAdded;
  /** The end of the listing's period: as added, moved by each extension. */
  until?: string;
  /** The founding act and each extension's: a new act must differ from all of them. */
  legalActs: EvidenceRef[];
  removalRequest?: ListingRemovalRequested;
  removal?: ListingRemoved;
}

export const initialListingState = (): ListingState => ({ legalActs: [] });

export const evolveListing = (state: ListingState, event: LedgerEvent): ListingState => {
  switch (event.type) {
    case 'ListingAdded':
      return { ...state, added: event.data, until: event.data.until, legalActs: [event.data.legalAct] };
    case 'ListingExtended':
      return { ...state, until: event.data.until, legalActs: [...state.legalActs, event.data.legalAct] };
    case 'ListingRemovalRequested':
      return { ...state, removalRequest: event.data };
    case 'ListingRemoved':
      return { ...state, removal: event.data };
    default:
      // Other events belong to other streams and never reach a listing's.
      return state;
  }
};

/** Active at `at`: added, not removed, and `at` within [listedAt, until). */
export const isListingActive = (state: ListingState, at: Date): boolean =>
  state.added !== undefined &&
  state.removal === undefined &&
  new Date(state.added.listedAt) <= at &&
  at < new Date(state.until as string);

export interface AddListing {
  type: 'AddListing';
  listingId: string;
  list: ListName;
  subjectId: string;
  ground: string;
  legalAct: EvidenceRef;
  restrictions: Restriction[];
  responsiblePersons: string[];
  listedAt: string;
  /**
   * The registered kind of the subject and of each named responsible person, as read from their streams:
   * an id missing here is not registered.
   */
  registeredKinds: ReadonlyMap<string, SubjectKind>;
  recordedBy: string;
  /** The authority the recorder acts for: the blacklist is the courts' alone. */
  authority: string;
}

export interface ExtendListing {
  type: 'ExtendListing';
  listingId: string;
  months: number;
  legalAct: EvidenceRef;
  recordedBy: string;
  authority: string;
}

export interface RequestListingRemoval {
  type: 'RequestListingRemoval';
  listingId: string;
  reason: RemovalReason;
  triggeredAt: string;
  evidence: EvidenceRef[];
  requestedBy: string;
  authority: string;
}

/** What triggered a removal: an event at a given instant, or the end of the listing's period. */
export type RemovalTrigger = { reason: RemovalReason; triggeredAt: string } | { reason: 'periodEnded' };

export type RemoveListing = {
  type: 'RemoveListing';
  listingId: string;
  recordedBy: string;
  authority: string;
} & RemovalTrigger;

export type ListingCommand = AddListing | ExtendListing | RequestListingRemoval | RemoveListing;

/** What the listing decider judges a command by, beside its state: the instant, schemes and calendar, who acts. */
export interface ListingDecisionContext extends Actor {
  now: Date;
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
}

export const decideListing = (
  command: ListingCommand,
  state: ListingState,
  context: ListingDecisionContext,
): LedgerEvent[] => {
  switch (command.type) {
    case 'AddListing':
      return add(command, state, context);
    case 'ExtendListing':
      return extend(command, state, context);
    case 'RequestListingRemoval':
      return requestRemoval(command, state, context);
    case 'RemoveListing':
      return remove(command, state, context);
    default:
      return assertNever(command);
  }
};

const add = (command: AddListing, state: ListingState, context: ListingDecisionContext): LedgerEvent[] => {
  const { now, schemes } = context;
  if (state.added) {
    throw new LedgerConflict('listing-already-exists', `listing ${command.listingId} already exists`, {
      listingId: command.listingId,
    });
  }
  checkAuthority(command.list, command.authority);
  requireNotBoundBy(context, command);
  const subjectKind = command.registeredKinds.get(command.subjectId);
  if (subjectKind === undefined) throw new SubjectNotFound(command.subjectId);
  const listedAt = new Date(command.listedAt);
  if (listedAt > now) {
    throw new LedgerRuleViolation(
      'listed-in-future',
      `a listing cannot start in the future (${listedAt.toISOString()})`,
    );
  }
  const scheme = schemes.inForceAt(listedAt);
  if (!scheme) {
    throw new LedgerRuleViolation('no-scheme-in-force', `no scheme version was in force on ${command.listedAt}`);
  }
  checkGround(command.list, command.ground, scheme);
  checkLegalActKind(command.list, command.legalAct);
  checkRestrictions(command.list, command.restrictions);
  checkResponsiblePersons(command, subjectKind);
  const months = command.list === 'blacklist' ? scheme.listings.maxMonths : scheme.listings.redlistMaxMonths;
  const until = addMonths(listedAt, months);
  if (until <= now) {
    throw new LedgerRuleViolation(
      'listing-period-already-ended',
      `a listing from ${listedAt.toISOString()} would have ended on ${until.toISOString()}: it binds nobody`,
      { until: until.toISOString() },
    );
  }
  const listing: ListingAdded = {
    listingId: command.listingId,
    list: command.list,
    subjectId: command.subjectId,
    ground: command.ground,
    legalAct: command.legalAct,
    restrictions: command.restrictions,
    responsiblePersons: command.responsiblePersons,
    listedAt: listedAt.toISOString(),
    until: until.toISOString(),
    recordedBy: command.recordedBy,
    authority: command.authority,
    schemeVersion: scheme.version,
  };
  return [{ type: 'ListingAdded', data: listing }];
};

const extend = (command: ExtendListing, state: ListingState, context: ListingDecisionContext): LedgerEvent[] => {
  const { now, schemes } = context;
  const listing = existingListing(state, command.listingId);
  checkAuthority(listing.list, command.authority);
  requireNotBoundBy(context, listing);
  if (listing.list !== 'blacklist') {
    throw new LedgerRuleViolation(
      'listing-not-extendable',
      'only a blacklist listing is extended; a red-list entry is not',
    );
  }
  if (!isListingActive(state, now)) {
    throw new LedgerRuleViolation(
      'listing-not-active',
      `listing ${listing.listingId} is not active: it cannot be extended`,
      {
        until: state.until,
      },
    );
  }
  if (state.removalRequest) {
    throw new LedgerRuleViolation(
      'listing-removal-pending',
      `listing ${listing.listingId} is due for removal (${state.removalRequest.reason}): it cannot be extended`,
    );
  }
  const { min, max } = schemeOf(schemes, listing).listings.extensionMonths;
  if (command.months < min || command.months > max) {
    throw new LedgerRuleViolation(
      'extension-out-of-range',
      `an extension is of ${min} to ${max} months, not ${command.months}`,
      {
        min,
        max,
      },
    );
  }
  checkLegalActKind(listing.list, command.legalAct);
  checkLegalActIsNew(command.legalAct, state.legalActs);
  const until = addMonths(new Date(state.until as string), command.months);
  return [
    {
      type: 'ListingExtended',
      data: {
        listingId: listing.listingId,
        months: command.months,
        legalAct: command.legalAct,
        until: until.toISOString(),
        recordedBy: command.recordedBy,
      },
    },
  ];
};

const requestRemoval = (
  command: RequestListingRemoval,
  state: ListingState,
  context: ListingDecisionContext,
): LedgerEvent[] => {
  const { now, schemes, calendar } = context;
  const listing = existingListing(state, command.listingId);
  checkAuthority(listing.list, command.authority);
  requireNotBoundBy(context, listing);
  checkNotRemoved(state);
  if (state.removalRequest) {
    throw new LedgerRuleViolation(
      'removal-already-requested',
      `the removal of listing ${listing.listingId} was already requested (${state.removalRequest.reason})`,
      { dueBy: state.removalRequest.dueBy },
    );
  }
  const triggeredAt = checkTrigger(listing, command.reason, command.triggeredAt, now);
  const refused = command.evidence.find((item) => !isOfficial(item.kind));
  if (refused) {
    throw new LedgerRuleViolation(
      'evidence-kind-not-allowed',
      `a removal is requested on an official document, not on a ${refused.kind}`,
      { allowed: officialEvidenceKinds, refused: refused.kind },
    );
  }
  const dueBy = addWorkingDays(calendar, triggeredAt, schemeOf(schemes, listing).listings.removalDueWorkingDays);
  return [
    {
      type: 'ListingRemovalRequested',
      data: {
        listingId: listing.listingId,
        reason: command.reason,
        triggeredAt: triggeredAt.toISOString(),
        evidence: command.evidence,
        dueBy: dueBy.toISOString(),
        requestedBy: command.requestedBy,
      },
    },
  ];
};

/**
 * A removal is due the scheme's working days after its trigger; when one was requested earlier, the earlier
 * of the two deadlines holds, so a removal recorded under another reason cannot make a late one look in time.
 * A removal never waits for the calendar: its own deadline may fall in a year the calendar does not list yet (a
 * trigger in the last days of December), and it has then certainly not passed, so the removal is in time and
 * records only the deadline it knows (the requested one), or none. Only a clock past the calendar refuses it.
 */
const remove = (command: RemoveListing, state: ListingState, context: ListingDecisionContext): LedgerEvent[] => {
  const { now, schemes, calendar } = context;
  const listing = existingListing(state, command.listingId);
  checkAuthority(listing.list, command.authority);
  requireNotBoundBy(context, listing);
  checkNotRemoved(state);
  const until = new Date(state.until as string);
  if (command.reason === 'periodEnded' && now < until) {
    throw new LedgerRuleViolation(
      'listing-period-not-ended',
      `listing ${listing.listingId} runs until ${until.toISOString()}`,
      { until: until.toISOString() },
    );
  }
  const triggeredAt =
    command.reason === 'periodEnded' ? until : checkTrigger(listing, command.reason, command.triggeredAt, now);
  const { removalDueWorkingDays } = schemeOf(schemes, listing).listings;
  // With the clock past the calendar, whether the deadline has passed cannot be told: addWorkingDays refuses.
  const ownDeadline =
    now < coverEndsAt(calendar)
      ? addWorkingDaysWithinCover(calendar, triggeredAt, removalDueWorkingDays)
      : addWorkingDays(calendar, triggeredAt, removalDueWorkingDays);
  const requested = state.removalRequest ? new Date(state.removalRequest.dueBy) : undefined;
  // The earlier of the two: a request's deadline, set when asked for, and the one the trigger gives now.
  const dueBy = ownDeadline === undefined || (requested && requested < ownDeadline) ? requested : ownDeadline;
  return [
    {
      type: 'ListingRemoved',
      data: {
        listingId: listing.listingId,
        reason: command.reason,
        triggeredAt: triggeredAt.toISOString(),
        ...(dueBy ? { dueBy: dueBy.toISOString() } : {}),
        removedAt: now.toISOString(),
        late: dueBy !== undefined && now > dueBy,
        recordedBy: command.recordedBy,
      },
    },
  ];
};

const existingListing = (state: ListingState, listingId: string): ListingAdded => {
  if (!state.added) throw new ListingNotFound(listingId);
  return state.added;
};

/** The scheme version the listing was added under: its periods and deadlines stay those it was judged by. */
const schemeOf = (schemes: SchemeBook, listing: ListingAdded): Scheme => {
  const scheme = schemes.version(listing.schemeVersion);
  if (!scheme)
    throw new Error(`listing ${listing.listingId} names scheme ${listing.schemeVersion}, which is not published`);
  return scheme;
};

const checkAuthority = (list: ListName, authority: string): void => {
  if (list === 'blacklist' && authority !== blacklistAuthority) {
    throw new LedgerForbidden(
      'outside-authority',
      `the blacklist is written by the courts (${blacklistAuthority}), not by ${authority}`,
      { authority, allowed: [blacklistAuthority] },
    );
  }
};

/**
 * A listing is on the record of everyone it binds: its subject, and the responsible persons a blacklisted organisation
 * binds. None of them writes it, whatever their roles.
 */
const requireNotBoundBy = (actor: Actor, listing: Pick<ListingAdded, 'subjectId' | 'responsiblePersons'>): void => {
  for (const subjectId of [listing.subjectId, ...listing.responsiblePersons]) {
    requireNotOwnRecord(actor, subjectId, 'writing a listing');
  }
};

const checkGround = (list: ListName, ground: string, scheme: Scheme): void => {
  const allowed =
    list === 'blacklist' ? [...blacklistGrounds] : scheme.listings.redlistCriteria.map((criterion) => criterion.code);
  if (!allowed.includes(ground)) {
    throw new LedgerRuleViolation(
      'listing-ground-not-allowed',
      `the ${list} is entered on ${allowed.join(', ')}, not on ${ground}`,
      {
        allowed,
      },
    );
  }
};

const checkLegalActKind = (list: ListName, legalAct: EvidenceRef): void => {
  const allowed = legalActKindsByList[list];
  if (!allowed.includes(legalAct.kind)) {
    throw new LedgerRuleViolation(
      'legal-act-kind-not-allowed',
      `the ${list} rests on a legal act of kind ${allowed.join(', ')}, not ${legalAct.kind}`,
      { allowed, refused: legalAct.kind },
    );
  }
};

/** The same act cannot justify a listing twice: neither its number nor its content may have been used on it. */
const checkLegalActIsNew = (legalAct: EvidenceRef, earlier: readonly EvidenceRef[]): void => {
  const used = earlier.find((act) => act.documentNumber === legalAct.documentNumber || act.sha256 === legalAct.sha256);
  if (used) {
    throw new LedgerRuleViolation(
      'legal-act-not-new',
      `an extension needs a new legal act; ${used.documentNumber} already stands behind this listing`,
      { documentNumber: used.documentNumber },
    );
  }
};

const checkRestrictions = (list: ListName, restrictions: readonly Restriction[]): void => {
  if (list === 'blacklist' && restrictions.length === 0) {
    throw new LedgerRuleViolation('restrictions-required', 'a blacklist listing names at least one restriction');
  }
  if (list === 'redlist' && restrictions.length > 0) {
    throw new LedgerRuleViolation('restriction-not-allowed', 'a red-list entry restricts nothing');
  }
};

/**
 * Restrictions on a listed organisation bind the people behind it (SPC provisions on restricting high
 * consumption, art. 3): its legal representative, principal, directly responsible persons and actual
 * controller, each a registered person. A listed person binds only themselves.
 */
const checkResponsiblePersons = (command: AddListing, subjectKind: SubjectKind): void => {
  const named = command.responsiblePersons;
  const bindsOthers = command.list === 'blacklist' && subjectKind === 'organization';
  if (!bindsOthers) {
    if (named.length > 0) {
      throw new LedgerRuleViolation(
        'responsible-persons-not-allowed',
        `only a blacklisted organisation has responsible persons, not a ${subjectKind} on the ${command.list}`,
      );
    }
    return;
  }
  if (named.length === 0) {
    throw new LedgerRuleViolation(
      'responsible-persons-required',
      'an organisation is blacklisted with its legal representative, principal, responsible persons or controller',
    );
  }
  for (const subjectId of named) {
    const kind = command.registeredKinds.get(subjectId);
    if (kind === undefined) throw new SubjectNotFound(subjectId);
    if (kind !== 'person') {
      throw new LedgerRuleViolation(
        'responsible-person-not-a-person',
        `responsible person ${subjectId} is an ${kind}`,
        {
          subjectId,
        },
      );
    }
  }
};

const checkNotRemoved = (state: ListingState): void => {
  if (state.removal) {
    throw new LedgerRuleViolation(
      'listing-already-removed',
      `listing ${state.removal.listingId} was removed at ${state.removal.removedAt}`,
      { removedAt: state.removal.removedAt },
    );
  }
};

/** A trigger happened while the listing stood and not after now, for a reason its list can be ended for. */
const checkTrigger = (listing: ListingAdded, reason: RemovalReason, triggeredAt: string, now: Date): Date => {
  const allowed = removalReasonsByList[listing.list];
  if (!allowed.includes(reason)) {
    throw new LedgerRuleViolation('removal-reason-not-allowed', `the ${listing.list} is not left early for ${reason}`, {
      allowed,
    });
  }
  const trigger = new Date(triggeredAt);
  if (trigger > now) {
    throw new LedgerRuleViolation(
      'trigger-in-future',
      `a removal cannot be triggered in the future (${trigger.toISOString()})`,
    );
  }
  if (trigger < new Date(listing.listedAt)) {
    throw new LedgerRuleViolation('trigger-before-listing', `the trigger precedes the listing of ${listing.listedAt}`, {
      listedAt: listing.listedAt,
    });
  }
  return trigger;
};

const isOfficial = (kind: EvidenceKind): boolean => (officialEvidenceKinds as readonly EvidenceKind[]).includes(kind);

const assertNever = (value: never): never => {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
};
