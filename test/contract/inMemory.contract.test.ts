import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import { describeEventStoreContract } from './eventStore.contract';

describeEventStoreContract(
  'in-memory',
  async () => {
    const store = createInMemoryEventStore();
    return { store, dispose: () => store.close() };
  },
  { refusesReusedEventIds: true, readsAllAsStored: true, subscribesForFolds: false },
);
