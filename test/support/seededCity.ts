import { join } from 'node:path';
import { openBulkStore, type BulkStore } from '../../src/cli/bulkStore';
import { seedCity, type SeedCityOptions, type SeedSummary } from '../../src/cli/seedCity';
import { readAllMaxCount, START, type EventStore, type RecordedEvent } from '../../src/events/eventStore';
import { defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { publishScheme } from '../../src/ledger/schemePublication';
import { fixedClock, temporaryFolder } from './ledgerService';

/** A bulk store on a fresh SQLite file in a temporary folder, removed on close. */
export interface TemporaryStore extends BulkStore {
  dbPath: string;
  folder: string;
}

export const openTemporaryStore = async (): Promise<TemporaryStore> => {
  const folder = temporaryFolder();
  const dbPath = join(folder.path, 'ledger.db');
  const bulk = await openBulkStore({ dbPath, clock: fixedClock() });
  return {
    ...bulk,
    dbPath,
    folder: folder.path,
    async close() {
      await bulk.close();
      folder.remove();
    },
  };
};

/** A small city (300 residents, 10 organisations, 5 years to the start of the test clock's day), seeded as `ledger seed` does. */
export const seedSmallCity = async (
  bulk: BulkStore,
  options: Partial<Pick<SeedCityOptions, 'residents' | 'organisations' | 'years' | 'seed' | 'asOf'>> = {},
): Promise<SeedSummary> => {
  const clock = fixedClock();
  return seedCity({
    store: bulk.store,
    schemes: await publishScheme(bulk.store, loadScheme(defaultSchemePath()), clock(), 'system'),
    calendar: loadCalendar(defaultCalendarPath()),
    clock,
    residents: 300,
    organisations: 10,
    years: 5,
    seed: 'test',
    inOneCommit: bulk.inOneCommit,
    ...options,
  });
};

export const wholeLog = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for (let page = await store.readAll({ maxCount: readAllMaxCount }); page.length > 0;) {
    events.push(...page);
    page = await store.readAll({ after: page.at(-1)?.position ?? START, maxCount: readAllMaxCount });
  }
  return events;
};

/** What two stores must agree on: each event's stream, revision, id, type, data and metadata (not when or where stored). */
export const streamsOf = (events: readonly RecordedEvent[]) =>
  events.map(({ streamName, revision, id, type, data, metadata }) => ({
    streamName,
    revision,
    id,
    type,
    data,
    metadata,
  }));
