import { v7 as uuidv7 } from 'uuid';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { subjectStream, type EntryPosted } from '../../src/events/ledgerEvents';
import { createProjectionRunner } from '../../src/projections/runner';
import { createScoreProjection } from '../../src/projections/scoreProjection';
import { evidenceOf } from '../support/ledgerService';

/** The score read model's live entries: what a score read now folds. */

const subjectId = 'r-1';
const posted = (entryId: string, occurredAt: string, effectiveUntil: string): EntryPosted => ({
  entryId,
  subjectId,
  ruleCode: 'TRF-TICKET',
  direction: 'deduction',
  points: -5,
  severity: 'minor',
  occurredAt,
  effectiveUntil,
  evidence: [evidenceOf('trafficTicket')],
  schemeVersion: 'rongcheng-2021.1',
  recordedBy: 'officer',
  authority: 'traffic-police',
});

const given = async (events: { type: string; data: unknown }[]) => {
  const db = openLedgerDatabase(':memory:');
  const store = createSqliteEventStore({ db, clock: () => new Date('2026-11-26T10:00:00Z') });
  const scores = createScoreProjection(db);
  await store.appendToStream(
    subjectStream(subjectId),
    [
      {
        type: 'SubjectRegistered',
        data: { subjectId, kind: 'person', adultFrom: '2000-01-01', baseline: 1000, registeredBy: 'officer' },
      },
      ...events,
    ].map((event) => ({ ...event, id: uuidv7(), metadata: { schemaVersion: 1 } })),
  );
  const runner = createProjectionRunner({ store, db, projections: [scores], onFailure: () => undefined });
  runner.start();
  await runner.catchUp(2_000);
  await runner.stop();
  return scores;
};

describe('the score read model', () => {
  it('lists the entries not reversed and not expired, oldest conduct first', async () => {
    const scores = await given([
      { type: 'EntryPosted', data: posted('later', '2026-03-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z') },
      { type: 'EntryPosted', data: posted('earlier', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z') },
    ]);
    expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['earlier', 'later']);
  });

  it('drops an entry once its expiry is recorded', async () => {
    const scores = await given([
      { type: 'EntryPosted', data: posted('old', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z') },
      { type: 'EntryPosted', data: posted('live', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z') },
      { type: 'EntryExpired', data: { subjectId, entryId: 'old', expiredAt: '2025-01-01T00:00:00.000Z' } },
    ]);
    expect(scores.entries(subjectId).map((entry) => entry.entryId)).toEqual(['live']);
    expect(scores.subjectOfEntry('old')).toBe(subjectId);
  });

  it('drops a reversed entry and lists it again once reinstated', async () => {
    const entry = posted('ticket', '2026-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z');
    const reversed = {
      subjectId,
      entryId: 'ticket',
      reason: 'unverifiable',
      decidedBy: 'officer',
      reasons: 'no photo',
    };
    const withoutIt = await given([
      { type: 'EntryPosted', data: entry },
      { type: 'EntryReversed', data: reversed },
    ]);
    expect(withoutIt.entries(subjectId)).toEqual([]);
    const withIt = await given([
      { type: 'EntryPosted', data: entry },
      { type: 'EntryReversed', data: reversed },
      {
        type: 'EntryReinstated',
        data: {
          subjectId,
          entryId: 'ticket',
          evidence: [evidenceOf('trafficTicket')],
          reinstatedBy: 'senior',
          reasons: 'the photo was found',
        },
      },
    ]);
    expect(withIt.entries(subjectId).map((listed) => listed.entryId)).toEqual(['ticket']);
  });
});
