import type { LedgerEvent, ListingAdded, ListingRemovalRequested } from '../../src/events/ledgerEvents';
import type {
  AddListing,
  ExtendListing,
  ListingDecisionContext,
  RemoveListing,
  RequestListingRemoval,
  SubjectKind,
} from '../../src/ledger/listing';
import { blacklistGrounds } from '../../src/ledger/listingCodes';
import { createSchemeBook } from '../../src/ledger/schemeBook';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { chinaUntil2026 } from '../support/calendars';
import { given } from '../support/listingSpec';
import { evidenceOf } from '../support/ledgerService';

const context: ListingDecisionContext = {
  now: new Date('2026-11-26T10:00:00Z'),
  schemes: createSchemeBook([loadScheme(defaultSchemePath())]),
  // Ends with 2026 whatever years the shipped calendar adds: the deadlines at the end of December run past it.
  calendar: chinaUntil2026(),
};
/** The same context at another instant. */
const at = (now: string): ListingDecisionContext => ({ ...context, now: new Date(now) });

const listingId = '01890000-0000-7000-8000-0000000000a1';
const enforcementRuling = evidenceOf('courtJudgment', 'ENF-2026-0123');
const registeredKinds = new Map<string, SubjectKind>([
  ['li', 'person'],
  ['wang', 'person'],
  ['zhao', 'person'],
  ['acme', 'organization'],
  ['bolt', 'organization'],
]);

const addToBlacklist = (overrides: Partial<AddListing> = {}): AddListing => ({
  type: 'AddListing',
  listingId,
  list: 'blacklist',
  subjectId: 'li',
  ground: 'ABLE_BUT_REFUSING',
  legalAct: enforcementRuling,
  restrictions: ['NO_FLIGHT', 'NO_G_TRAIN'],
  responsiblePersons: [],
  listedAt: '2026-11-02T02:00:00Z',
  registeredKinds,
  recordedBy: 'judge-sun',
  authority: 'court',
  ...overrides,
});

const addToRedlist = (overrides: Partial<AddListing> = {}): AddListing =>
  addToBlacklist({
    list: 'redlist',
    ground: 'MODEL_WORKER',
    legalAct: evidenceOf('honourCertificate', 'HON-2026-7'),
    restrictions: [],
    recordedBy: 'clerk-he',
    authority: 'civilisation-office',
    ...overrides,
  });

const blacklisted: ListingAdded = {
  listingId,
  list: 'blacklist',
  subjectId: 'li',
  ground: 'ABLE_BUT_REFUSING',
  legalAct: enforcementRuling,
  restrictions: ['NO_FLIGHT', 'NO_G_TRAIN'],
  responsiblePersons: [],
  listedAt: '2026-11-02T02:00:00.000Z',
  until: '2028-11-02T02:00:00.000Z',
  recordedBy: 'judge-sun',
  authority: 'court',
  schemeVersion: 'rongcheng-2021.1',
};
const onBlacklist: LedgerEvent = { type: 'ListingAdded', data: blacklisted };
/** Listed two years before Friday 27 November 2026, 10:00 in Shanghai, when its period ends. */
const endedOnFriday: LedgerEvent = {
  type: 'ListingAdded',
  data: { ...blacklisted, listedAt: '2024-11-27T02:00:00.000Z', until: '2026-11-27T02:00:00.000Z' },
};
const onRedlist: LedgerEvent = {
  type: 'ListingAdded',
  data: {
    ...blacklisted,
    list: 'redlist',
    ground: 'MODEL_WORKER',
    legalAct: evidenceOf('honourCertificate', 'HON-2026-7'),
    restrictions: [],
    until: '2029-11-02T02:00:00.000Z',
    recordedBy: 'clerk-he',
    authority: 'civilisation-office',
  },
};

const extend = (overrides: Partial<ExtendListing> = {}): ExtendListing => ({
  type: 'ExtendListing',
  listingId,
  months: 12,
  legalAct: evidenceOf('courtJudgment', 'ENF-2026-0456'),
  recordedBy: 'judge-sun',
  authority: 'court',
  ...overrides,
});
const extended: LedgerEvent = {
  type: 'ListingExtended',
  data: {
    listingId,
    months: 12,
    legalAct: evidenceOf('courtJudgment', 'ENF-2026-0456'),
    until: '2029-11-02T02:00:00.000Z',
    recordedBy: 'judge-sun',
  },
};

/** Friday 20 November 2026, 20:00 in Shanghai: 3 working days on is the end of Wednesday 25 November. */
const fridayEvening = '2026-11-20T12:00:00.000Z';
const endOfWednesday = '2026-11-25T16:00:00.000Z';

const requestRemoval = (overrides: Partial<RequestListingRemoval> = {}): RequestListingRemoval => ({
  type: 'RequestListingRemoval',
  listingId,
  reason: 'obligationPerformed',
  triggeredAt: fridayEvening,
  evidence: [evidenceOf('courtJudgment', 'ENF-2026-0789')],
  requestedBy: 'judge-sun',
  authority: 'court',
  ...overrides,
});
const removalRequested: ListingRemovalRequested = {
  listingId,
  reason: 'obligationPerformed',
  triggeredAt: fridayEvening,
  evidence: [evidenceOf('courtJudgment', 'ENF-2026-0789')],
  dueBy: endOfWednesday,
  requestedBy: 'judge-sun',
};
const removalDue: LedgerEvent = { type: 'ListingRemovalRequested', data: removalRequested };

const remove = (overrides: Partial<RemoveListing> = {}): RemoveListing =>
  ({
    type: 'RemoveListing',
    listingId,
    reason: 'obligationPerformed',
    triggeredAt: fridayEvening,
    recordedBy: 'judge-sun',
    authority: 'court',
    ...overrides,
  }) as RemoveListing;
const removed: LedgerEvent = {
  type: 'ListingRemoved',
  data: {
    listingId,
    reason: 'obligationPerformed',
    triggeredAt: fridayEvening,
    dueBy: endOfWednesday,
    removedAt: '2026-11-24T02:00:00.000Z',
    late: false,
    recordedBy: 'judge-sun',
  },
};

describe('adding a listing to the blacklist', () => {
  it("lists a person for the scheme's 24 months on a court's enforcement ruling", () =>
    given([], context).when(addToBlacklist()).then([onBlacklist]));

  it.each(blacklistGrounds)('allows the SPC ground %s', (ground) =>
    given([], context)
      .when(addToBlacklist({ ground }))
      .then([{ type: 'ListingAdded', data: { ...blacklisted, ground } }]),
  );

  it('refuses a ground outside the six SPC grounds', () =>
    given([], context)
      .when(addToBlacklist({ ground: 'LOW_SCORE' }))
      .thenRefuses('listing-ground-not-allowed'));

  it('refuses a legal act other than a court ruling', () =>
    given([], context)
      .when(addToBlacklist({ legalAct: evidenceOf('adminPenaltyDecision') }))
      .thenRefuses('legal-act-kind-not-allowed'));

  it('refuses a listing without restrictions', () =>
    given([], context)
      .when(addToBlacklist({ restrictions: [] }))
      .thenRefuses('restrictions-required'));

  it('is written by a court only', () =>
    given([], context)
      .when(addToBlacklist({ authority: 'market-regulator' }))
      .thenRefuses('outside-authority'));

  it('lists an organisation together with the responsible persons it binds', () =>
    given([], context)
      .when(addToBlacklist({ subjectId: 'acme', responsiblePersons: ['wang', 'zhao'] }))
      .then([
        { type: 'ListingAdded', data: { ...blacklisted, subjectId: 'acme', responsiblePersons: ['wang', 'zhao'] } },
      ]));

  it('refuses an organisation without responsible persons', () =>
    given([], context)
      .when(addToBlacklist({ subjectId: 'acme' }))
      .thenRefuses('responsible-persons-required'));

  it('refuses responsible persons for a listed person', () =>
    given([], context)
      .when(addToBlacklist({ responsiblePersons: ['wang'] }))
      .thenRefuses('responsible-persons-not-allowed'));

  it('refuses a responsible person who is not registered', () =>
    given([], context)
      .when(addToBlacklist({ subjectId: 'acme', responsiblePersons: ['nobody'] }))
      .thenRefuses('subject-not-found'));

  it('refuses an organisation as a responsible person', () =>
    given([], context)
      .when(addToBlacklist({ subjectId: 'acme', responsiblePersons: ['bolt'] }))
      .thenRefuses('responsible-person-not-a-person'));

  it('refuses a subject that is not registered', () =>
    given([], context)
      .when(addToBlacklist({ subjectId: 'nobody' }))
      .thenRefuses('subject-not-found'));

  it('refuses a listing that starts in the future', () =>
    given([], context)
      .when(addToBlacklist({ listedAt: '2026-11-26T10:00:01Z' }))
      .thenRefuses('listed-in-future'));

  it('refuses a listing whose period would already have ended', () =>
    given([], context)
      .when(addToBlacklist({ listedAt: '2024-11-26T10:00:00Z' }))
      .thenRefuses('listing-period-already-ended'));

  it('refuses a listing from before the first scheme version', () =>
    given([], context)
      .when(addToBlacklist({ listedAt: '2021-06-17T00:00:00Z' }))
      .thenRefuses('no-scheme-in-force'));

  it('refuses to add a listing that exists', () =>
    given([onBlacklist], context).when(addToBlacklist()).thenRefuses('listing-already-exists'));
});

describe('adding a listing to the red list', () => {
  it('lists a subject on a scheme criterion and an honour certificate for 36 months, by any recorder', () =>
    given([], context).when(addToRedlist()).then([onRedlist]));

  it('refuses a criterion the scheme does not name', () =>
    given([], context)
      .when(addToRedlist({ ground: 'GOOD_NEIGHBOUR' }))
      .thenRefuses('listing-ground-not-allowed'));

  it('refuses restrictions', () =>
    given([], context)
      .when(addToRedlist({ restrictions: ['NO_FLIGHT'] }))
      .thenRefuses('restriction-not-allowed'));

  it('refuses a legal act other than an honour certificate', () =>
    given([], context)
      .when(addToRedlist({ legalAct: enforcementRuling }))
      .thenRefuses('legal-act-kind-not-allowed'));
});

describe('extending a blacklist listing', () => {
  it('moves its end by the months given, on a new court ruling', () =>
    given([onBlacklist], context).when(extend()).then([extended]));

  it.each([11, 37])("refuses %i months, outside the scheme's 12 to 36", (months) =>
    given([onBlacklist], context).when(extend({ months })).thenRefuses('extension-out-of-range'),
  );

  it('refuses the legal act the listing was added on', () =>
    given([onBlacklist], context)
      .when(extend({ legalAct: enforcementRuling }))
      .thenRefuses('legal-act-not-new'));

  it('refuses a legal act an earlier extension used', () =>
    given([onBlacklist, extended], context)
      .when(extend({ months: 24 }))
      .thenRefuses('legal-act-not-new'));

  it('refuses a listing from the instant its period ends, before its removal is recorded', () =>
    given([endedOnFriday], at('2026-11-27T02:00:00Z')).when(extend()).thenRefuses('listing-not-active'));

  it('refuses a removed listing', () =>
    given([onBlacklist, removed], context).when(extend()).thenRefuses('listing-not-active'));

  it('refuses a listing whose removal is due', () =>
    given([onBlacklist, removalDue], context).when(extend()).thenRefuses('listing-removal-pending'));

  it('refuses a red-list entry', () =>
    given([onRedlist], context).when(extend()).thenRefuses('listing-not-extendable'));

  it('is done by a court only', () =>
    given([onBlacklist], context)
      .when(extend({ authority: 'lender' }))
      .thenRefuses('outside-authority'));

  it('refuses a listing that does not exist', () => given([], context).when(extend()).thenRefuses('listing-not-found'));
});

describe('requesting a removal', () => {
  it('falls due at the end of the third working day after the trigger', () =>
    given([onBlacklist], context).when(requestRemoval()).then([removalDue]));

  it('refuses evidence that is not an official document', () =>
    given([onBlacklist], context)
      .when(requestRemoval({ evidence: [evidenceOf('photo')] }))
      .thenRefuses('evidence-kind-not-allowed'));

  it('refuses a second request', () =>
    given([onBlacklist, removalDue], context).when(requestRemoval()).thenRefuses('removal-already-requested'));

  it('refuses a trigger in the future', () =>
    given([onBlacklist], context)
      .when(requestRemoval({ triggeredAt: '2026-11-26T10:00:01Z' }))
      .thenRefuses('trigger-in-future'));

  it('refuses a trigger before the listing began', () =>
    given([onBlacklist], context)
      .when(requestRemoval({ triggeredAt: '2026-11-01T00:00:00Z' }))
      .thenRefuses('trigger-before-listing'));

  it('ends a red-list entry early only on an upheld correction', () =>
    given([onRedlist], context)
      .when(requestRemoval({ authority: 'civilisation-office' }))
      .thenRefuses('removal-reason-not-allowed'));

  it('refuses a removed listing', () =>
    given([onBlacklist, removed], context).when(requestRemoval()).thenRefuses('listing-already-removed'));

  it('refuses a deadline the working-day calendar does not cover', () =>
    given([onBlacklist], at('2026-12-31T02:00:00Z'))
      .when(requestRemoval({ triggeredAt: '2026-12-30T02:00:00Z' }))
      .thenRefuses('calendar-not-covering'));
});

describe('removing a listing', () => {
  const removal = (removedAt: string, late: boolean, dueBy = endOfWednesday): LedgerEvent => ({
    type: 'ListingRemoved',
    data: { ...(removed.data as object), removedAt, late, dueBy } as never,
  });

  it('is in time up to the end of the third working day after its trigger', () =>
    given([onBlacklist, removalDue], at(endOfWednesday))
      .when(remove())
      .then([removal(endOfWednesday, false)]));

  it('is late after it, and still allowed', () =>
    given([onBlacklist, removalDue], at('2026-11-25T16:00:00.001Z'))
      .when(remove())
      .then([removal('2026-11-25T16:00:00.001Z', true)]));

  it('is due by the earlier of its own deadline and the one requested before', () =>
    given([onBlacklist, removalDue], context)
      .when(remove({ reason: 'creditorRequest', triggeredAt: '2026-11-24T02:00:00Z' }))
      .then([
        {
          type: 'ListingRemoved',
          data: {
            listingId,
            reason: 'creditorRequest',
            triggeredAt: '2026-11-24T02:00:00.000Z',
            dueBy: endOfWednesday,
            removedAt: context.now.toISOString(),
            late: true,
            recordedBy: 'judge-sun',
          },
        },
      ]));

  it('ends a listing whose period ended, due 3 working days after its end', () =>
    given([endedOnFriday], at('2026-12-01T02:00:00Z'))
      .when(remove({ reason: 'periodEnded' }))
      .then([
        {
          type: 'ListingRemoved',
          data: {
            listingId,
            reason: 'periodEnded',
            triggeredAt: '2026-11-27T02:00:00.000Z',
            dueBy: '2026-12-02T16:00:00.000Z',
            removedAt: '2026-12-01T02:00:00.000Z',
            late: false,
            recordedBy: 'judge-sun',
          },
        },
      ]));

  it("refuses to end a listing for its period before the period's end", () =>
    given([onBlacklist], context)
      .when(remove({ reason: 'periodEnded' }))
      .thenRefuses('listing-period-not-ended'));

  it('refuses to remove a listing twice', () =>
    given([onBlacklist, removed], context).when(remove()).thenRefuses('listing-already-removed'));

  it('is done by a court only', () =>
    given([onBlacklist], context)
      .when(remove({ authority: 'utility' }))
      .thenRefuses('outside-authority'));

  it('is in time, without a deadline, when its own falls in a year the calendar does not list yet', () =>
    given([onBlacklist], at('2026-12-31T02:00:00Z'))
      .when(remove({ triggeredAt: '2026-12-30T02:00:00Z' }))
      .then([
        {
          type: 'ListingRemoved',
          data: {
            listingId,
            reason: 'obligationPerformed',
            triggeredAt: '2026-12-30T02:00:00.000Z',
            removedAt: '2026-12-31T02:00:00.000Z',
            late: false,
            recordedBy: 'judge-sun',
          },
        },
      ]));

  it('is refused for a trigger before the calendar, whose deadline may have passed long ago', () =>
    given([{ type: 'ListingAdded', data: { ...blacklisted, listedAt: '2023-01-02T02:00:00.000Z' } }], context)
      .when(remove({ triggeredAt: '2023-06-01T02:00:00Z' }))
      .thenRefuses('calendar-not-covering'));

  it('is refused on a clock past the calendar, which cannot tell whether it is late', () =>
    given([onBlacklist], at('2027-01-04T02:00:00Z'))
      .when(remove({ triggeredAt: '2026-12-30T02:00:00Z' }))
      .thenRefuses('calendar-not-covering'));
});

describe('no official writes a listing on their own record', () => {
  /** The context of a court official whose token names subject `subjectId`. */
  const as = (subjectId: string): ListingDecisionContext => ({ ...context, actorSubjectId: subjectId });
  const acmeListed: LedgerEvent = {
    type: 'ListingAdded',
    data: { ...blacklisted, subjectId: 'acme', responsiblePersons: ['wang', 'zhao'] },
  };

  it('refuses a listing of the official themselves', () =>
    given([], as('li')).when(addToBlacklist()).thenRefuses('separation-of-duties', { part: 'subject' }));

  it('refuses a listing of an organisation that binds the official as a responsible person', () =>
    given([], as('zhao'))
      .when(addToBlacklist({ subjectId: 'acme', responsiblePersons: ['wang', 'zhao'] }))
      .thenRefuses('separation-of-duties'));

  it('refuses an extension of a listing that binds the official', () =>
    given([acmeListed], as('wang')).when(extend()).thenRefuses('separation-of-duties'));

  it('refuses a request to remove a listing of the official themselves', () =>
    given([onBlacklist], as('li')).when(requestRemoval()).thenRefuses('separation-of-duties'));

  it('refuses a removal of a listing of the official themselves', () =>
    given([onBlacklist], { ...as('li'), now: new Date('2026-11-24T02:00:00Z') })
      .when(remove())
      .thenRefuses('separation-of-duties'));

  it('lets an official who is someone else write it', () =>
    given([], as('wang')).when(addToBlacklist()).then([onBlacklist]));
});
