import { v7 as uuidv7 } from 'uuid';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { subjectStream, type EntryPosted, type LedgerEvent } from '../../src/events/ledgerEvents';
import { createApprovalsProjection } from '../../src/projections/approvalsProjection';
import { createProjectionRunner } from '../../src/projections/runner';
import { schemaRegistry } from '../../src/schemaRegistry';
import { evidenceOf } from '../support/ledgerService';

/** The approvers' queue on SQLite: what an approver sees of each proposal, to judge it by. */

const subjectId = 's1';
const theft: EntryPosted = {
  entryId: '01890000-0000-7000-8000-0000000000a1',
  subjectId,
  ruleCode: 'PUB-UTILITY-THEFT',
  direction: 'deduction',
  points: -60,
  severity: 'serious',
  occurredAt: '2026-01-10T08:00:00.000Z',
  effectiveUntil: '2029-01-10T08:00:00.000Z',
  evidence: [evidenceOf('adminPenaltyDecision', 'AP-1')],
  schemeVersion: 'rongcheng-2021.1',
  recordedBy: 'officer-li',
  authority: 'public-security',
};
const about = { subjectId, entryId: theft.entryId };
const story: LedgerEvent[] = [
  {
    type: 'SubjectRegistered',
    data: { subjectId, kind: 'person', adultFrom: '2008-05-01', baseline: 1000, registeredBy: 'clerk' },
  },
  { type: 'EntryProposed', data: theft },
  { type: 'EntryApproved', data: { ...about, approvedBy: 'approver-wu' } },
  { type: 'EntryPosted', data: { ...theft, approvedBy: 'approver-wu' } },
  {
    type: 'EntryReversed',
    data: { ...about, reason: 'unverifiable', decidedBy: 'officer-zhou', reasons: 'the decision was annulled' },
  },
  {
    type: 'EntryReinstatementProposed',
    data: {
      ...about,
      ruleCode: theft.ruleCode,
      points: theft.points,
      severity: theft.severity,
      occurredAt: theft.occurredAt,
      recordedBy: theft.recordedBy,
      authority: theft.authority,
      evidence: [evidenceOf('adminPenaltyDecision', 'AP-2')],
      reinstatedBy: 'officer-zhao',
      reasons: 'a new decision was issued on appeal',
    },
  },
];

/** The queue once the projection has folded `events` from the store. */
const queueAfter = async (events: LedgerEvent[]) => {
  const db = openLedgerDatabase(':memory:');
  const store = createSqliteEventStore({ db, clock: () => new Date('2026-11-26T10:00:00Z') });
  await store.appendToStream(
    subjectStream(subjectId),
    events.map((event) => ({ ...event, id: uuidv7(), metadata: { schemaVersion: 1 } })),
  );
  const approvals = createApprovalsProjection(db);
  const runner = createProjectionRunner({
    store,
    db,
    projections: [approvals],
    onFailure: (error) => {
      throw error;
    },
  });
  runner.start();
  expect(await runner.catchUp(2_000)).toBe(true);
  expect(runner.failure()).toBeUndefined();
  await runner.stop();
  return approvals;
};

describe('the approvers’ queue', () => {
  it('gives a reinstatement awaiting approval with its new evidence and its reasons', async () => {
    const { items } = (await queueAfter(story)).queue({ status: 'pending', limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'reinstatement',
        ...about,
        evidence: [evidenceOf('adminPenaltyDecision', 'AP-2')],
        reinstatedBy: 'officer-zhao',
        reasons: 'a new decision was issued on appeal',
      }),
    ]);
    for (const item of items) {
      expect(schemaRegistry().validate('api/responses.json#/$defs/ApprovalItem', item)).toBeUndefined();
    }
  });

  it('gives a proposed entry with the evidence it was recorded with', async () => {
    const { items } = (await queueAfter(story.slice(0, 2))).queue({ status: 'pending', limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({ kind: 'entry', ...about, evidence: [evidenceOf('adminPenaltyDecision', 'AP-1')] }),
    ]);
    expect(items[0]).not.toHaveProperty('reasons');
  });
});
