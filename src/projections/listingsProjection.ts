import type { Database } from 'better-sqlite3';
import type { Position, FoldedEvent } from '../events/eventStore';
import type {
  EvidenceRef,
  ListingAdded,
  ListingExtended,
  ListingRemovalRequested,
  ListingRemoved,
} from '../events/ledgerEvents';
import type { ListName, RemovalReason, RemovedReason, Restriction } from '../ledger/listingCodes';
import type { SchemeBook } from '../ledger/schemeBook';
import { addWorkingDays, hasDeadlinePassed, type WorkingDayCalendar } from '../ledger/workingDays';
import { foldByType, type Projection, type ReadIndex } from './projection';

/**
 * The blacklist and the red list as they stand at any instant, each listing's record, the listings that
 * bind a subject, and the queue of removals past due.
 *
 * Whether a listing is active depends on the instant asked about (listedAt <= at < until, not removed), so
 * it is decided at read time and an expired listing drops out by itself. Each listing remembers the
 * position of the last event applied to it, so applying an event twice changes nothing.
 */

export interface ListingRemovalRecord {
  reason: RemovedReason;
  triggeredAt: string;
  dueBy?: string;
  removedAt: string;
  late: boolean;
  recordedBy: string;
}

export interface ListingRecord {
  listingId: string;
  list: ListName;
  subjectId: string;
  ground: string;
  restrictions: Restriction[];
  responsiblePersons: string[];
  listedAt: string;
  until: string;
  /** The founding act first, then each extension's. */
  legalActs: EvidenceRef[];
  authority: string;
  recordedBy: string;
  schemeVersion: string;
  /** The position of the ListingAdded event: the order of the lists. */
  position: Position;
  removalRequest?: Omit<ListingRemovalRequested, 'listingId'>;
  removal?: ListingRemovalRecord;
}

/** What a published list shows of a listing. */
export interface ListingItem {
  listingId: string;
  subjectId: string;
  ground: string;
  restrictions: Restriction[];
  listedAt: string;
  until: string;
  responsiblePersons: string[];
}

export interface ListingPage {
  items: ListingItem[];
  /** Pass as `after` for the next page; null on the last. */
  next: Position | null;
}

/** A blacklist listing that binds a subject: as the listed subject, or as a responsible person of it. */
export interface BindingListing extends ListingItem {
  boundAs: 'listed' | 'responsiblePerson';
}

export interface OverdueRemoval {
  listingId: string;
  subjectId: string;
  reason: RemovalReason | 'periodEnded';
  dueBy: string;
}

export interface OverdueQueue {
  /** Oldest deadline first, at most the limit asked for. */
  items: OverdueRemoval[];
  /** All removals past due, however many items were asked for. */
  total: number;
}

export interface ListingsReadModel {
  page(options: { list: ListName; restriction?: Restriction; at: Date; after?: Position; limit: number }): ListingPage;
  listing(listingId: string): ListingRecord | undefined;
  activeFor(subjectId: string, at: Date): BindingListing[];
  /** Every listing on either list that names the subject, as listed or as a responsible person, oldest first. */
  forSubject(subjectId: string): (ListingRecord & Pick<BindingListing, 'boundAs'>)[];
  overdueRemovals(at: Date, limit: number): OverdueQueue;
}

export interface ListingsProjectionOptions {
  /** For each listing's removal deadline in working days, by the scheme version it was added under. */
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
}

interface ListingRow {
  listing_id: string;
  subject_id: string;
  until: string;
  request_reason: RemovalReason | null;
  request_due_by: string | null;
  removal_due_working_days: number;
  last_position: string;
  record: string;
}

export const itemOf = (record: ListingRecord): ListingItem => ({
  listingId: record.listingId,
  subjectId: record.subjectId,
  ground: record.ground,
  restrictions: record.restrictions,
  listedAt: record.listedAt,
  until: record.until,
  responsiblePersons: record.responsiblePersons,
});

// The partial indexes hold only listings not removed: the lists and the queue never look at the others.
const readIndexes: ReadIndex[] = [
  { name: 'listings_standing_by_list', on: 'listings (list, position) WHERE removed_at IS NULL' },
  { name: 'listings_standing_by_until', on: 'listings (until) WHERE removed_at IS NULL' },
  {
    name: 'listings_requested_by_due',
    on: 'listings (request_due_by) WHERE removed_at IS NULL AND request_due_by IS NOT NULL',
  },
];

export const createListingsProjection = (
  db: Database,
  { schemes, calendar }: ListingsProjectionOptions,
): Projection & ListingsReadModel => {
  // Instants are stored as toISOString() text, whose order is their order in time.
  db.exec(`
    CREATE TABLE IF NOT EXISTS listings (
      listing_id TEXT PRIMARY KEY, position TEXT NOT NULL UNIQUE, list TEXT NOT NULL, subject_id TEXT NOT NULL,
      listed_at TEXT NOT NULL, until TEXT NOT NULL, removal_due_working_days INTEGER NOT NULL,
      request_reason TEXT, request_due_by TEXT, removed_at TEXT, last_position TEXT NOT NULL, record TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS listing_bindings (
      subject_id TEXT NOT NULL, listing_id TEXT NOT NULL, bound_as TEXT NOT NULL,
      PRIMARY KEY (subject_id, listing_id)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS listing_restrictions (
      restriction TEXT NOT NULL, position TEXT NOT NULL, listing_id TEXT NOT NULL,
      PRIMARY KEY (restriction, position)) WITHOUT ROWID;
  `);
  const insertListing = db.prepare(
    `INSERT OR IGNORE INTO listings (listing_id, position, list, subject_id, listed_at, until, removal_due_working_days,
       last_position, record)
     VALUES (@listingId, @position, @list, @subjectId, @listedAt, @until, @removalDueWorkingDays, @position, @record)`,
  );
  const insertBinding = db.prepare(
    'INSERT OR IGNORE INTO listing_bindings (subject_id, listing_id, bound_as) VALUES (?, ?, ?)',
  );
  const insertRestriction = db.prepare(
    'INSERT OR IGNORE INTO listing_restrictions (restriction, position, listing_id) VALUES (?, ?, ?)',
  );
  const selectRow = db.prepare('SELECT * FROM listings WHERE listing_id = ?');
  const updateListing = db.prepare(
    `UPDATE listings SET until = @until, request_reason = @requestReason, request_due_by = @requestDueBy,
       removed_at = @removedAt, last_position = @lastPosition, record = @record
     WHERE listing_id = @listingId`,
  );
  const activeWhere = 'l.removed_at IS NULL AND l.listed_at <= @at AND l.until > @at';
  const selectPage = db.prepare(
    `SELECT l.record FROM listings l
     WHERE l.list = @list AND l.position > @after AND ${activeWhere}
     ORDER BY l.position LIMIT @limit`,
  );
  const selectPageWithRestriction = db.prepare(
    `SELECT l.record FROM listing_restrictions r JOIN listings l ON l.listing_id = r.listing_id
     WHERE r.restriction = @restriction AND r.position > @after AND l.list = @list AND ${activeWhere}
     ORDER BY r.position LIMIT @limit`,
  );
  // CROSS JOIN keeps SQLite from starting at every blacklist listing: a subject's bindings are the few rows.
  const selectBinding = db.prepare(
    `SELECT l.record, b.bound_as FROM listing_bindings b CROSS JOIN listings l ON l.listing_id = b.listing_id
     WHERE b.subject_id = @subjectId AND l.list = 'blacklist' AND ${activeWhere}
     ORDER BY l.position`,
  );
  const selectNaming = db.prepare(
    `SELECT l.record, b.bound_as FROM listing_bindings b CROSS JOIN listings l ON l.listing_id = b.listing_id
     WHERE b.subject_id = ? ORDER BY l.position`,
  );
  const selectOverdueCandidates = db.prepare(
    `SELECT * FROM listings WHERE removed_at IS NULL AND request_due_by IS NOT NULL AND request_due_by <= @at
     UNION
     SELECT * FROM listings WHERE removed_at IS NULL AND until <= @at`,
  );

  /** Applies `change` to the listing's record, unless this event (or a later one) was applied already. */
  const update = (listingId: string, event: FoldedEvent, change: (record: ListingRecord) => ListingRecord): void => {
    const row = selectRow.get(listingId) as ListingRow | undefined;
    if (!row || row.last_position >= event.position) return;
    const record = change(JSON.parse(row.record) as ListingRecord);
    updateListing.run({
      listingId,
      until: record.until,
      requestReason: record.removalRequest?.reason ?? null,
      requestDueBy: record.removalRequest?.dueBy ?? null,
      removedAt: record.removal?.removedAt ?? null,
      lastPosition: event.position,
      record: JSON.stringify(record),
    });
  };

  const onAdded = (data: ListingAdded, event: FoldedEvent): void => {
    const scheme = schemes.version(data.schemeVersion);
    if (!scheme)
      throw new Error(`listing ${data.listingId} names scheme ${data.schemeVersion}, which is not published`);
    const record: ListingRecord = {
      listingId: data.listingId,
      list: data.list,
      subjectId: data.subjectId,
      ground: data.ground,
      restrictions: data.restrictions,
      responsiblePersons: data.responsiblePersons,
      listedAt: data.listedAt,
      until: data.until,
      legalActs: [data.legalAct],
      authority: data.authority,
      recordedBy: data.recordedBy,
      schemeVersion: data.schemeVersion,
      position: event.position,
    };
    insertListing.run({
      ...data,
      position: event.position,
      removalDueWorkingDays: scheme.listings.removalDueWorkingDays,
      record: JSON.stringify(record),
    });
    insertBinding.run(data.subjectId, data.listingId, 'listed');
    for (const person of data.responsiblePersons) insertBinding.run(person, data.listingId, 'responsiblePerson');
    for (const restriction of data.restrictions) insertRestriction.run(restriction, event.position, data.listingId);
  };
  const onExtended = (data: ListingExtended, event: FoldedEvent): void =>
    update(data.listingId, event, (record) => ({
      ...record,
      until: data.until,
      legalActs: [...record.legalActs, data.legalAct],
    }));
  const onRemovalRequested = ({ listingId, ...request }: ListingRemovalRequested, event: FoldedEvent): void =>
    update(listingId, event, (record) => ({ ...record, removalRequest: request }));
  const onRemoved = ({ listingId, ...removal }: ListingRemoved, event: FoldedEvent): void =>
    update(listingId, event, (record) => ({ ...record, removal }));

  /** Of the removals past due at `at` (the one requested, the one the period's end calls for), the one due first. */
  const overdueOf = (row: ListingRow, at: Date): OverdueRemoval | undefined => {
    const due: { reason: OverdueRemoval['reason']; dueBy: string }[] = [];
    if (row.request_reason !== null && row.request_due_by !== null && row.request_due_by <= at.toISOString()) {
      due.push({ reason: row.request_reason, dueBy: row.request_due_by });
    }
    const until = new Date(row.until);
    if (until <= at && hasDeadlinePassed(calendar, until, row.removal_due_working_days, at)) {
      due.push({
        reason: 'periodEnded',
        dueBy: addWorkingDays(calendar, until, row.removal_due_working_days).toISOString(),
      });
    }
    const [soonest] = due.sort((a, b) => a.dueBy.localeCompare(b.dueBy));
    return soonest && { listingId: row.listing_id, subjectId: row.subject_id, ...soonest };
  };

  return {
    name: 'listings',
    version: 1,
    readIndexes,
    reset() {
      db.exec('DELETE FROM listings; DELETE FROM listing_bindings; DELETE FROM listing_restrictions;');
    },
    ...foldByType({
      ListingAdded: (event) => onAdded(event.data, event),
      ListingExtended: (event) => onExtended(event.data, event),
      ListingRemovalRequested: (event) => onRemovalRequested(event.data, event),
      ListingRemoved: (event) => onRemoved(event.data, event),
    }),
    page({ list, restriction, at, after = '', limit }) {
      // One more than asked for tells whether there is a next page.
      const parameters = { list, at: at.toISOString(), after, limit: limit + 1 };
      const rows = (
        restriction === undefined
          ? selectPage.all(parameters)
          : selectPageWithRestriction.all({ ...parameters, restriction })
      ) as { record: string }[];
      const records = rows.map((row) => JSON.parse(row.record) as ListingRecord);
      const shown = records.slice(0, limit);
      return { items: shown.map(itemOf), next: records.length > limit ? (shown.at(-1)?.position ?? null) : null };
    },
    listing(listingId) {
      const row = selectRow.get(listingId) as ListingRow | undefined;
      return row && (JSON.parse(row.record) as ListingRecord);
    },
    activeFor(subjectId, at) {
      const rows = selectBinding.all({ subjectId, at: at.toISOString() }) as {
        record: string;
        bound_as: BindingListing['boundAs'];
      }[];
      return rows.map((row) => ({ ...itemOf(JSON.parse(row.record) as ListingRecord), boundAs: row.bound_as }));
    },
    forSubject(subjectId) {
      const rows = selectNaming.all(subjectId) as { record: string; bound_as: BindingListing['boundAs'] }[];
      return rows.map((row) => ({ ...(JSON.parse(row.record) as ListingRecord), boundAs: row.bound_as }));
    },
    overdueRemovals(at, limit) {
      const overdue = (selectOverdueCandidates.all({ at: at.toISOString() }) as ListingRow[])
        .map((row) => overdueOf(row, at))
        .filter((item): item is OverdueRemoval => item !== undefined)
        .sort((a, b) => a.dueBy.localeCompare(b.dueBy) || a.listingId.localeCompare(b.listingId));
      return { items: overdue.slice(0, limit), total: overdue.length };
    },
  };
};
