import { createIdempotencyRecords } from '../../src/api/idempotencyRecords';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';

const at = new Date('2026-11-27T10:00:00Z');

describe('idempotency records', () => {
  it('keep the Location of a first response', async () => {
    const records = createIdempotencyRecords(openLedgerDatabase(':memory:'));
    await records.save(
      'clerk:k',
      { fingerprint: 'f', status: 201, body: { id: 'p1' }, location: '/v1/subjects/p1' },
      at,
    );
    expect(records.find('clerk:k')).toEqual({
      fingerprint: 'f',
      status: 201,
      body: { id: 'p1' },
      location: '/v1/subjects/p1',
    });
  });

  it('open a database from before they kept the Location, whose records replay without one', async () => {
    const db = openLedgerDatabase(':memory:');
    db.exec(`CREATE TABLE idempotency_records (
      key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
      created_at TEXT NOT NULL)`);
    db.prepare('INSERT INTO idempotency_records VALUES (?, ?, ?, ?, ?)').run(
      'clerk:old',
      'f',
      201,
      '{}',
      at.toISOString(),
    );
    const records = createIdempotencyRecords(db);
    expect(records.find('clerk:old')).toEqual({ fingerprint: 'f', status: 201, body: {} });
    await records.save('clerk:new', { fingerprint: 'g', status: 201, body: {}, location: '/v1/subjects/p2' }, at);
    expect(records.find('clerk:new')?.location).toBe('/v1/subjects/p2');
  });
});
