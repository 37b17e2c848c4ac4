import { createEsdbEventStore } from '../../src/events/adapters/esdbEventStore';
import { describeEventStoreContract } from './eventStore.contract';
import { createFakeEsdbClient } from './fakeEsdbClient';

/** The EventStoreDB adapter against a server in memory (fakeEsdbClient), so that it is held to the contract here too. */
describeEventStoreContract(
  'eventstoredb (in-memory fake server)',
  async () => {
    const store = createEsdbEventStore({ client: createFakeEsdbClient() });
    return { store, dispose: () => store.close() };
  },
  { refusesReusedEventIds: false, readsAllAsStored: false, subscribesForFolds: false },
);
