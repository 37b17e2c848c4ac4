import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { publishScheme } from '../../src/ledger/schemePublication';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';

const scheme = loadScheme(defaultSchemePath());
const nextVersion = (effectiveFrom: string) => ({ ...scheme, version: 'rongcheng-2027.1', effectiveFrom });

const publishedFirst = async () => {
  const store = createSqliteEventStore({ db: openLedgerDatabase(':memory:') });
  await publishScheme(store, scheme, new Date('2026-11-01T00:00:00Z'), 'system');
  return store;
};

describe('publishing a scheme version', () => {
  it('takes effect from a later day', async () => {
    const store = await publishedFirst();
    const book = await publishScheme(store, nextVersion('2026-11-28'), new Date('2026-11-27T15:30:00Z'), 'system');
    expect(book.versions.map((version) => version.version)).toEqual([scheme.version, 'rongcheng-2027.1']);
  });

  it('never takes effect from the day it is published, whose earlier conduct it would judge', async () => {
    const store = await publishedFirst();
    await expect(
      publishScheme(store, nextVersion('2026-11-27'), new Date('2026-11-27T15:30:00Z'), 'system'),
    ).rejects.toMatchObject({ code: 'scheme-retroactive' });
  });

  it('never takes effect from an earlier day', async () => {
    const store = await publishedFirst();
    await expect(
      publishScheme(store, nextVersion('2026-01-01'), new Date('2026-11-27T15:30:00Z'), 'system'),
    ).rejects.toMatchObject({ code: 'scheme-retroactive' });
  });
});
