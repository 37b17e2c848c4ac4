import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { describeEventStoreContract, type StoreCapabilities } from './eventStore.contract';

const sqliteCapabilities: StoreCapabilities = {
  refusesReusedEventIds: true,
  readsAllAsStored: true,
  subscribesForFolds: true,
};

describeEventStoreContract(
  'SQLite (:memory:)',
  async () => {
    const db = openLedgerDatabase(':memory:');
    const store = createSqliteEventStore({ db });
    return {
      store,
      dispose: async () => {
        await store.close();
        db.close();
      },
    };
  },
  sqliteCapabilities,
);

describeEventStoreContract(
  'SQLite (file)',
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ledger-contract-'));
    const db = openLedgerDatabase(join(folder, 'ledger.db'));
    const store = createSqliteEventStore({ db });
    return {
      store,
      dispose: async () => {
        await store.close();
        db.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
  sqliteCapabilities,
);
