import { createEsdbEventStore } from '../../src/events/adapters/esdbEventStore';
import { describeEventStoreContract } from './eventStore.contract';

/** For example esdb://admin:changeit@localhost:2113?tls=false (server 23.10+ for the caughtUp markers). */
const connectionString = process.env.ESDB_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(
    'eventstoredb',
    async () => {
      const store = createEsdbEventStore({ connectionString });
      return { store, dispose: () => store.close() };
    },
    { refusesReusedEventIds: false, readsAllAsStored: false, subscribesForFolds: false },
  );
} else {
  describe.skip('eventstoredb contract (skipped: set ESDB_CONNECTION_STRING to run against a server)', () => {
    it('passes the event store contract against a running EventStoreDB', () => undefined);
  });
}
