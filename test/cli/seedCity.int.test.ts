import { join } from 'node:path';
import request from 'supertest';
import { openBulkStore } from '../../src/cli/bulkStore';
import type { RecordedEvent } from '../../src/events/eventStore';
import type {
  EntryApproved,
  EntryExpired,
  EntryPosted,
  EntryProposed,
  ListingAdded,
} from '../../src/events/ledgerEvents';
import type { ObjectionDecided, ObjectionFiled } from '../../src/events/objectionEvents';
import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { schemaRegistry } from '../../src/schemaRegistry';
import { fixedClock, openTestService, signIn, temporaryFolder, testNow } from '../support/ledgerService';
import { openTemporaryStore, seedSmallCity, streamsOf, wholeLog, type TemporaryStore } from '../support/seededCity';

/** The city's own streams: the scheme's publication carries a fresh id in every store. */
const cityStreams = (events: readonly RecordedEvent[]) =>
  streamsOf(events.filter((event) => !event.streamName.startsWith('scheme-')));

const ofType = <Data>(events: readonly RecordedEvent[], type: string): Data[] =>
  events.filter((event) => event.type === type).map((event) => event.data as Data);

let city: TemporaryStore;
let log: RecordedEvent[];

beforeAll(async () => {
  city = await openTemporaryStore();
  await seedSmallCity(city);
  log = await wholeLog(city.store);
});
afterAll(() => city.close());

describe('a seeded city', () => {
  it('is the same for the same seed and size, and another for another seed', async () => {
    const twin = await openTemporaryStore();
    const other = await openTemporaryStore();
    try {
      await seedSmallCity(twin);
      await seedSmallCity(other, { seed: 'other' });
      expect(cityStreams(await wholeLog(twin.store))).toEqual(cityStreams(log));
      expect(cityStreams(await wholeLog(other.store))).not.toEqual(cityStreams(log));
    } finally {
      await twin.close();
      await other.close();
    }
  });

  it('is the same through the port alone, on another adapter, one append at a time', async () => {
    const memory = withEventValidation(createInMemoryEventStore(), schemaRegistry());
    await seedSmallCity({ store: memory, inOneCommit: (work) => work(), close: () => memory.close() });
    expect(cityStreams(await wholeLog(memory))).toEqual(cityStreams(log));
    await memory.close();
  });

  it('writes nothing when seeded again', async () => {
    const head = await city.store.headPosition();
    const again = await seedSmallCity(city);
    expect(again.eventsWritten).toBe(0);
    expect(again.eventsAlreadyStored).toBe(log.length - 1);
    expect(await city.store.headPosition()).toBe(head);
  });

  it('adds only the new subjects when a larger city of the same seed is seeded over it', async () => {
    const grown = await openTemporaryStore();
    try {
      const small = await seedSmallCity(grown, { residents: 100, organisations: 0 });
      const large = await seedSmallCity(grown, { residents: 300, organisations: 0 });
      expect(large.eventsAlreadyStored).toBe(small.eventsWritten);
      const residentsOf = (events: readonly RecordedEvent[]) =>
        cityStreams(events).filter((event) => event.streamName.startsWith('subject-r-'));
      expect(residentsOf(await wholeLog(grown.store))).toEqual(residentsOf(log));
    } finally {
      await grown.close();
    }
  });

  it("stops at the first stream of another day's city, naming both keys, and resumes with that day", async () => {
    const earlier = await openTemporaryStore();
    try {
      await seedSmallCity(earlier, { residents: 5, organisations: 0, asOf: '2026-11-25' });
      await expect(seedSmallCity(earlier, { residents: 5, organisations: 0 })).rejects.toThrow(
        /^stream subject-r-000001 holds event \S+ \(key seed-test@2026-11-25:r-000001:0\) at revision 0, where this seed writes \S+ \(key seed-test@2026-11-26:r-000001:0\)/,
      );
      const resumed = await seedSmallCity(earlier, { residents: 6, organisations: 0, asOf: '2026-11-25' });
      expect(resumed.eventsWritten).toBeGreaterThan(0);
      expect((await wholeLog(earlier.store)).filter((event) => event.type === 'SubjectRegistered')).toHaveLength(6);
    } finally {
      await earlier.close();
    }
  });

  it('refuses to end its history on a day still to come', async () => {
    await expect(seedSmallCity(city, { asOf: '2026-11-27' })).rejects.toThrow(
      'asOf must be an ISO date not after today (2026-11-26), not 2026-11-27',
    );
  });

  it('registers every resident and organisation, persons of age only', () => {
    const registered = ofType<{ subjectId: string; kind: string; adultFrom?: string }>(log, 'SubjectRegistered');
    expect(registered).toHaveLength(310);
    expect(registered.filter((subject) => subject.kind === 'person').map((subject) => subject.subjectId)).toContain(
      'r-000300',
    );
    expect(
      registered.filter((subject) => subject.kind === 'organization').map((subject) => subject.subjectId),
    ).toContain('o-00010');
    for (const person of registered.filter((subject) => subject.kind === 'person')) {
      expect(new Date(`${person.adultFrom}T00:00:00Z`).getTime()).toBeLessThanOrEqual(testNow.getTime());
    }
  });

  it('stores only events that keep to their schemas', () => {
    const schemas = schemaRegistry();
    const failures = log.map((event) => schemas.validate(`events/${event.type}.json`, event.data)).filter(Boolean);
    expect(failures).toEqual([]);
  });

  it('gives most residents few entries and a few residents many', () => {
    const perResident = new Map<string, number>();
    for (const entry of ofType<EntryPosted>(log, 'EntryPosted')) {
      if (entry.subjectId.startsWith('r-'))
        perResident.set(entry.subjectId, (perResident.get(entry.subjectId) ?? 0) + 1);
    }
    const counts = Array.from(
      { length: 300 },
      (_, index) => perResident.get(`r-${String(index + 1).padStart(6, '0')}`) ?? 0,
    );
    counts.sort((a, b) => a - b);
    const median = counts[150] as number;
    const mean = counts.reduce((sum, value) => sum + value, 0) / counts.length;
    expect(median).toBeLessThan(mean);
    expect(counts.at(-1)).toBeGreaterThan(5 * median);
    expect(counts.filter((value) => value <= 1).length).toBeGreaterThan(30);
  });

  it('records conduct only in the years seeded, judged under the scheme then in force', () => {
    const [fiveYearsAgo, today] = [new Date('2021-11-26T00:00:00.000Z'), new Date('2026-11-26T00:00:00.000Z')];
    for (const entry of ofType<EntryPosted>(log, 'EntryPosted')) {
      expect(new Date(entry.occurredAt) >= fiveYearsAgo && new Date(entry.occurredAt) <= today).toBe(true);
      expect(entry.schemeVersion).toBe('rongcheng-2021.1');
    }
  });

  it('has entries needing four eyes approved by someone other than their recorder', () => {
    const proposed = new Map(ofType<EntryProposed>(log, 'EntryProposed').map((entry) => [entry.entryId, entry]));
    const approvals = ofType<EntryApproved>(log, 'EntryApproved');
    expect(approvals.length).toBeGreaterThan(0);
    for (const approval of approvals) {
      expect(approval.approvedBy).not.toBe(proposed.get(approval.entryId)?.recordedBy);
    }
    for (const entry of ofType<EntryPosted>(log, 'EntryPosted').filter((posted) => posted.approvedBy)) {
      expect(entry.approvedBy).not.toBe(entry.recordedBy);
    }
  });

  it('has objections on their own streams, some reversing their entry and some upholding it', () => {
    const filed = ofType<ObjectionFiled>(log, 'ObjectionFiled');
    const decided = ofType<ObjectionDecided>(log, 'ObjectionDecided');
    expect(filed.length).toBeGreaterThan(0);
    expect(decided.map((decision) => decision.outcome)).toEqual(expect.arrayContaining(['upheld', 'reversed']));
    const reversals = ofType<{ entryId: string; objectionId?: string }>(log, 'EntryReversed');
    const upholdings = ofType<{ entryId: string; objectionId: string }>(log, 'EntryUpheld');
    for (const decision of decided) {
      const entryId = filed.find((objection) => objection.objectionId === decision.objectionId)?.entryId;
      const effects = ['reversed', 'unverifiable'].includes(decision.outcome) ? reversals : upholdings;
      expect(effects).toContainEqual(expect.objectContaining({ entryId, objectionId: decision.objectionId }));
    }
  });

  it('has court listings on the blacklist, an organisation binding registered persons', () => {
    const listings = ofType<ListingAdded>(log, 'ListingAdded');
    expect(listings.length).toBeGreaterThan(0);
    const registered = new Set(
      ofType<{ subjectId: string }>(log, 'SubjectRegistered').map((subject) => subject.subjectId),
    );
    for (const listing of listings) {
      expect(listing).toMatchObject({ list: 'blacklist', authority: 'court' });
      for (const person of listing.responsiblePersons) expect(registered.has(person)).toBe(true);
    }
  });

  it('expires entries at the end of their effect period, as the scheduler does', () => {
    const expiries = log.filter((event) => event.type === 'EntryExpired');
    expect(expiries.length).toBeGreaterThan(0);
    const posted = new Map(ofType<EntryPosted>(log, 'EntryPosted').map((entry) => [entry.entryId, entry]));
    for (const event of expiries) {
      const { entryId, expiredAt } = event.data as EntryExpired;
      expect(event.metadata).toMatchObject({ actorId: 'system', idempotencyKey: `system:expire:${entryId}` });
      expect(expiredAt).toBe(posted.get(entryId)?.effectiveUntil);
      expect(new Date(expiredAt) <= testNow).toBe(true);
    }
  });

  it('refuses nothing but donations and care over their period caps', async () => {
    const fresh = await openTemporaryStore();
    try {
      const summary = await seedSmallCity(fresh);
      expect(Object.keys(summary.refusals)).toEqual(['period-cap-exceeded']);
    } finally {
      await fresh.close();
    }
  });

  it('is read by the service once its projections catch up', async () => {
    const folder = temporaryFolder();
    const dbPath = join(folder.path, 'ledger.db');
    const bulk = await openBulkStore({ dbPath, clock: fixedClock() });
    await seedSmallCity(bulk, { residents: 50, organisations: 2 });
    await bulk.close();
    const service = await openTestService({ dbPath });
    try {
      expect(await service.runner.catchUp(15_000)).toBe(true);
      const { auditor } = await signIn(service);
      const score = await request(service.app).get('/v1/subjects/r-000001/score').set(auditor);
      expect(score.status).toBe(200);
      expect(score.body).toMatchObject({ subjectId: 'r-000001', schemeVersion: 'rongcheng-2021.1' });
    } finally {
      await service.close();
      folder.remove();
    }
  });
});
