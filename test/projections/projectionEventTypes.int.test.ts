import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';
import { publishScheme } from '../../src/ledger/schemePublication';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { createReadModels } from '../../src/projections/readModels';
import { createProjectionRunner } from '../../src/projections/runner';
import { fixedClock } from '../support/ledgerService';
import { openTemporaryStore, seedSmallCity, wholeLog, type TemporaryStore } from '../support/seededCity';

/**
 * The runner reads only the event types its projections declare. Rule: that builds exactly the read models that
 * folding every event of the log into every projection builds, so no projection misses a type it folds.
 */

const readModelTables = [
  'score_subjects',
  'score_entries',
  'access_log',
  'approvals',
  'listings',
  'listing_bindings',
  'listing_restrictions',
  'objections',
];

const dump = (db: ReturnType<typeof openLedgerDatabase>) =>
  Object.fromEntries(readModelTables.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));

describe('the event types each projection declares', () => {
  let city: TemporaryStore;
  beforeAll(async () => {
    city = await openTemporaryStore();
    await seedSmallCity(city, { residents: 120, organisations: 5 });
  });
  afterAll(async () => city.close());

  it('build the same read models as folding every event of a seeded city', async () => {
    const options = {
      // Publishing the scheme the seed published again writes nothing and answers its book.
      schemes: await publishScheme(city.store, loadScheme(defaultSchemePath()), fixedClock()(), 'system'),
      calendar: loadCalendar(defaultCalendarPath()),
    };
    const events = await wholeLog(city.store);

    const everyEvent = openLedgerDatabase(':memory:');
    const folded = createReadModels(everyEvent, options);
    everyEvent.transaction(() => {
      for (const event of events) for (const projection of folded.projections) projection.apply(event);
    })();

    const declared = openLedgerDatabase(':memory:');
    const runner = createProjectionRunner({
      store: city.store,
      db: declared,
      projections: createReadModels(declared, options).projections,
      onFailure: (error) => {
        throw error;
      },
    });
    runner.start();
    expect(await runner.catchUp(30_000)).toBe(true);
    await runner.stop();

    const built = dump(everyEvent);
    expect(Object.values(built).filter((rows) => rows.length > 0).length).toBeGreaterThanOrEqual(6);
    expect(dump(declared)).toEqual(built);
  });
});
