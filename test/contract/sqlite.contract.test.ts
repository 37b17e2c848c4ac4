import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { describeEventStoreContract } from './eventStore.contract';

describeEventStoreContract('SQLite (:memory:)', async () => {
  const db = openLedgerDatabase(':memory:');
  const store = createSqliteEventStore({ db });
  return {
    store,
    dispose: async () => {
      await store.close();
      db.close();
    },
  };
});

describeEventStoreContract('SQLite (file)', async () => {
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
});
