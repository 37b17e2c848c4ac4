import { Registry } from 'prom-client';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { positionFromNumber, type RecordedEvent } from '../../src/events/eventStore';
import {
  listingStream,
  type LedgerEvent,
  type ListingAdded,
  type ListingRemovalRequested,
} from '../../src/events/ledgerEvents';
import { createSchemeBook } from '../../src/ledger/schemeBook';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { registerListingMetrics } from '../../src/projections/listingMetrics';
import { createListingsProjection } from '../../src/projections/listingsProjection';
import { chinaUntil2026 } from '../support/calendars';
import { evidenceOf } from '../support/ledgerService';

const schemes = createSchemeBook([loadScheme(defaultSchemePath())]);
/** Ends with 2026 whatever years the shipped calendar adds: the deadlines at the end of December run past it. */
const calendar = chinaUntil2026();
const now = new Date('2026-11-26T10:00:00Z');

const setUp = () => {
  const db = openLedgerDatabase(':memory:');
  const listings = createListingsProjection(db, { schemes, calendar });
  let position = 0;
  /** Applies the events in order, each at the next position; returns them as recorded. */
  const apply = (...events: LedgerEvent[]): RecordedEvent[] =>
    events.map((event) => {
      position += 1;
      const recorded = {
        ...event,
        id: `00000000-0000-7000-8000-${String(position).padStart(12, '0')}`,
        metadata: { schemaVersion: 1 },
        streamName: listingStream((event.data as { listingId: string }).listingId),
        revision: 0n,
        position: positionFromNumber(position),
        recordedAt: now,
      } as RecordedEvent;
      listings.apply(recorded);
      return recorded;
    });
  const dump = () => ({
    listings: db.prepare('SELECT * FROM listings ORDER BY listing_id').all(),
    bindings: db.prepare('SELECT * FROM listing_bindings ORDER BY subject_id, listing_id').all(),
    restrictions: db.prepare('SELECT * FROM listing_restrictions ORDER BY restriction, position').all(),
  });
  return { listings, apply, dump };
};

const idOf = (n: number) => `01890000-0000-7000-8000-${String(n).padStart(12, '0')}`;

const blacklisting = (n: number, overrides: Partial<ListingAdded> = {}): LedgerEvent => ({
  type: 'ListingAdded',
  data: {
    listingId: idOf(n),
    list: 'blacklist',
    subjectId: `person-${n}`,
    ground: 'ABLE_BUT_REFUSING',
    legalAct: evidenceOf('courtJudgment', `ENF-${n}`),
    restrictions: ['NO_FLIGHT'],
    responsiblePersons: [],
    listedAt: '2026-11-02T02:00:00.000Z',
    until: '2028-11-02T02:00:00.000Z',
    recordedBy: 'judge-sun',
    authority: 'court',
    schemeVersion: 'rongcheng-2021.1',
    ...overrides,
  },
});

const redlisting = (n: number): LedgerEvent =>
  blacklisting(n, {
    list: 'redlist',
    ground: 'MODEL_WORKER',
    legalAct: evidenceOf('honourCertificate', `HON-${n}`),
    restrictions: [],
    until: '2029-11-02T02:00:00.000Z',
    authority: 'civilisation-office',
  });

const removalRequested = (n: number, overrides: Partial<ListingRemovalRequested> = {}): LedgerEvent => ({
  type: 'ListingRemovalRequested',
  data: {
    listingId: idOf(n),
    reason: 'obligationPerformed',
    triggeredAt: '2026-11-20T12:00:00.000Z',
    evidence: [evidenceOf('courtJudgment', `PAID-${n}`)],
    dueBy: '2026-11-25T16:00:00.000Z',
    requestedBy: 'judge-sun',
    ...overrides,
  },
});

const removed = (n: number): LedgerEvent => ({
  type: 'ListingRemoved',
  data: {
    listingId: idOf(n),
    reason: 'obligationPerformed',
    triggeredAt: '2026-11-20T12:00:00.000Z',
    dueBy: '2026-11-25T16:00:00.000Z',
    removedAt: '2026-11-24T02:00:00.000Z',
    late: false,
    recordedBy: 'judge-sun',
  },
});

const idsOn = (page: { items: { listingId: string }[] }) => page.items.map((item) => item.listingId);

describe('the published lists', () => {
  it('show an active blacklist listing on the blacklist, not on the red list', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), redlisting(2));
    expect(listings.page({ list: 'blacklist', at: now, limit: 10 })).toEqual({
      items: [
        {
          listingId: idOf(1),
          subjectId: 'person-1',
          ground: 'ABLE_BUT_REFUSING',
          restrictions: ['NO_FLIGHT'],
          listedAt: '2026-11-02T02:00:00.000Z',
          until: '2028-11-02T02:00:00.000Z',
          responsiblePersons: [],
        },
      ],
      next: null,
    });
    expect(idsOn(listings.page({ list: 'redlist', at: now, limit: 10 }))).toEqual([idOf(2)]);
  });

  it('drop a listing at the end of its period, with no event', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1));
    const until = new Date('2028-11-02T02:00:00.000Z');
    expect(idsOn(listings.page({ list: 'blacklist', at: new Date(until.getTime() - 1), limit: 10 }))).toEqual([
      idOf(1),
    ]);
    expect(idsOn(listings.page({ list: 'blacklist', at: until, limit: 10 }))).toEqual([]);
  });

  it('do not show a listing before it began', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1));
    expect(idsOn(listings.page({ list: 'blacklist', at: new Date('2026-11-01T00:00:00Z'), limit: 10 }))).toEqual([]);
  });

  it('drop a removed listing', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), removed(1));
    expect(idsOn(listings.page({ list: 'blacklist', at: now, limit: 10 }))).toEqual([]);
  });

  it('keep an extended listing past its first end', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), {
      type: 'ListingExtended',
      data: {
        listingId: idOf(1),
        months: 12,
        legalAct: evidenceOf('courtJudgment', 'ENF-EXT'),
        until: '2029-11-02T02:00:00.000Z',
        recordedBy: 'judge-sun',
      },
    });
    expect(idsOn(listings.page({ list: 'blacklist', at: new Date('2029-01-01T00:00:00Z'), limit: 10 }))).toEqual([
      idOf(1),
    ]);
  });

  it('filter the blacklist by restriction', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), blacklisting(2, { restrictions: ['NO_G_TRAIN', 'NO_STAR_HOTEL'] }));
    expect(idsOn(listings.page({ list: 'blacklist', restriction: 'NO_G_TRAIN', at: now, limit: 10 }))).toEqual([
      idOf(2),
    ]);
  });

  it('page in the order of listing, with a cursor to the next page', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), blacklisting(2), blacklisting(3));
    const first = listings.page({ list: 'blacklist', at: now, limit: 2 });
    expect(idsOn(first)).toEqual([idOf(1), idOf(2)]);
    const second = listings.page({ list: 'blacklist', at: now, limit: 2, after: first.next as string });
    expect(second).toMatchObject({ next: null });
    expect(idsOn(second)).toEqual([idOf(3)]);
  });
});

describe('the listings binding a subject', () => {
  const organisationListed = blacklisting(1, { subjectId: 'acme', responsiblePersons: ['wang', 'zhao'] });

  it('bind the listed organisation itself', () => {
    const { listings, apply } = setUp();
    apply(organisationListed);
    expect(listings.activeFor('acme', now)).toMatchObject([{ listingId: idOf(1), boundAs: 'listed' }]);
  });

  it("bind each responsible person named on an organisation's listing", () => {
    const { listings, apply } = setUp();
    apply(organisationListed);
    expect(listings.activeFor('wang', now)).toMatchObject([
      { listingId: idOf(1), subjectId: 'acme', restrictions: ['NO_FLIGHT'], boundAs: 'responsiblePerson' },
    ]);
  });

  it('bind nobody once the listing is removed', () => {
    const { listings, apply } = setUp();
    apply(organisationListed, removed(1));
    expect(listings.activeFor('wang', now)).toEqual([]);
  });

  it('never include a red-list entry', () => {
    const { listings, apply } = setUp();
    apply(redlisting(1));
    expect(listings.activeFor('person-1', now)).toEqual([]);
  });
});

describe('the overdue removals', () => {
  it('hold a requested removal once its due time has passed, and not before', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), removalRequested(1));
    expect(listings.overdueRemovals(new Date('2026-11-25T15:59:59.999Z'), 10).total).toBe(0);
    expect(listings.overdueRemovals(new Date('2026-11-25T16:00:00.000Z'), 10)).toEqual({
      items: [
        { listingId: idOf(1), subjectId: 'person-1', reason: 'obligationPerformed', dueBy: '2026-11-25T16:00:00.000Z' },
      ],
      total: 1,
    });
  });

  it('hold a listing whose period ended 3 working days ago without a removal', () => {
    const { listings, apply } = setUp();
    // Ends on Friday 27 November 2026, 10:00 in Shanghai: due at the end of Wednesday 2 December.
    apply(blacklisting(1, { listedAt: '2024-11-27T02:00:00.000Z', until: '2026-11-27T02:00:00.000Z' }));
    expect(listings.overdueRemovals(new Date('2026-12-02T15:59:59.999Z'), 10).total).toBe(0);
    expect(listings.overdueRemovals(new Date('2026-12-02T16:00:00.000Z'), 10).items).toEqual([
      { listingId: idOf(1), subjectId: 'person-1', reason: 'periodEnded', dueBy: '2026-12-02T16:00:00.000Z' },
    ]);
  });

  it('release a listing once it is removed', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), removalRequested(1), removed(1));
    expect(listings.overdueRemovals(new Date('2026-12-31T00:00:00Z'), 10).total).toBe(0);
  });

  it('do not yet hold a listing whose deadline lies beyond the calendar', () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1, { listedAt: '2024-12-30T02:00:00.000Z', until: '2026-12-30T02:00:00.000Z' }));
    expect(listings.overdueRemovals(new Date('2026-12-31T12:00:00Z'), 10).total).toBe(0);
  });

  it('come oldest deadline first, counting all however few are asked for', () => {
    const { listings, apply } = setUp();
    apply(
      blacklisting(1),
      blacklisting(2),
      removalRequested(1, { dueBy: '2026-11-25T16:00:00.000Z' }),
      removalRequested(2, { dueBy: '2026-11-24T16:00:00.000Z' }),
    );
    expect(listings.overdueRemovals(now, 1)).toMatchObject({ items: [{ listingId: idOf(2) }], total: 2 });
  });
});

describe('the overdue removals gauge', () => {
  it('reports the length of the queue when scraped', async () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), blacklisting(2), removalRequested(1), removalRequested(2));
    const registry = new Registry();
    registerListingMetrics(registry, listings, () => now);
    expect(await registry.metrics()).toContain('ledger_listing_removals_overdue 2');
  });
});

describe('the listings projection', () => {
  it("keeps a listing's record: every legal act, the removal asked for and the removal made", () => {
    const { listings, apply } = setUp();
    apply(blacklisting(1), removalRequested(1), removed(1));
    expect(listings.listing(idOf(1))).toMatchObject({
      legalActs: [evidenceOf('courtJudgment', 'ENF-1')],
      removalRequest: { reason: 'obligationPerformed', dueBy: '2026-11-25T16:00:00.000Z' },
      removal: { reason: 'obligationPerformed', removedAt: '2026-11-24T02:00:00.000Z', late: false },
    });
  });

  it('changes nothing when an event is applied again', () => {
    const { listings, apply, dump } = setUp();
    const recorded = apply(
      blacklisting(1, { subjectId: 'acme', responsiblePersons: ['wang'] }),
      {
        type: 'ListingExtended',
        data: {
          listingId: idOf(1),
          months: 12,
          legalAct: evidenceOf('courtJudgment', 'ENF-EXT'),
          until: '2029-11-02T02:00:00.000Z',
          recordedBy: 'judge-sun',
        },
      },
      removalRequested(1),
    );
    const once = dump();
    for (const event of recorded) listings.apply(event);
    expect(dump()).toEqual(once);
    expect(listings.listing(idOf(1))?.legalActs).toHaveLength(2);
  });

  it('deletes every row on reset', () => {
    const { listings, apply, dump } = setUp();
    apply(blacklisting(1), removalRequested(1));
    listings.reset();
    expect(dump()).toEqual({ listings: [], bindings: [], restrictions: [] });
  });
});
