import { createHash } from 'node:crypto';
import { readPopulation } from '../../src/reports/population';
import { openPopulationLedger, reportNow, type PopulationLedger } from '../support/populationLedger';

let ledger: PopulationLedger;

beforeEach(async () => {
  ledger = await openPopulationLedger();
  await ledger.register('li');
});

const entriesOf = async (subjectId: string) => (await readPopulation(ledger.store)).subjects.get(subjectId)?.entries;

const proof = {
  kind: 'trafficTicket' as const,
  issuer: 'Rongcheng traffic police',
  documentNumber: 'PAID-1',
  sha256: createHash('sha256').update('PAID-1').digest('hex'),
};

describe('the population', () => {
  it('holds each registered subject with its baseline', async () => {
    expect((await readPopulation(ledger.store)).subjects.get('li')).toEqual({
      subjectId: 'li',
      baseline: 1000,
      entries: [],
    });
  });

  it('keeps a posted entry with what scoring needs and who recorded it', async () => {
    const entryId = await ledger.record('li', 'TRF-TICKET', '2026-09-03T07:45:00Z', { recorder: 'officer-ma' });
    expect(await entriesOf('li')).toEqual([
      {
        entryId,
        ruleCode: 'TRF-TICKET',
        direction: 'deduction',
        points: -5,
        severity: 'minor',
        occurredAt: '2026-09-03T07:45:00.000Z',
        effectiveUntil: '2027-09-03T07:45:00.000Z',
        schemeVersion: 'rongcheng-2021.1',
        recordedBy: 'officer-ma',
        authority: 'traffic-police',
      },
    ]);
  });

  it('marks a reversed entry with the reason for its reversal', async () => {
    const entryId = await ledger.record('li', 'TRF-TICKET', '2026-09-03T07:45:00Z');
    await ledger.reverse('li', entryId, 'deadlineMissed');
    expect(await entriesOf('li')).toEqual([expect.objectContaining({ entryId, reversal: 'deadlineMissed' })]);
  });

  it('clears the reversal of a reinstated entry', async () => {
    const entryId = await ledger.record('li', 'TRF-TICKET', '2026-09-03T07:45:00Z');
    await ledger.reverse('li', entryId, 'unverifiable');
    await ledger.ledger.reinstateEntry(
      { subjectId: 'li', entryId, evidence: [proof], reasons: 'the camera record was found' },
      { idempotencyKey: 'reinstate-1', actorId: 'officer-ma', authority: 'traffic-police' },
    );
    expect((await entriesOf('li'))?.[0]).not.toHaveProperty('reversal');
  });

  it('keeps a proposal only once it is approved', async () => {
    // A serious rule needs four eyes: it is proposed, and posted when a second person approves it.
    const entryId = await ledger.record('li', 'PUB-UTILITY-THEFT', '2026-08-01T10:00:00Z');
    expect(await entriesOf('li')).toEqual([]);
    await ledger.ledger.decideApproval(
      { subjectId: 'li', entryId, decision: 'approve' },
      { idempotencyKey: 'approve-1', actorId: 'approver-wu' },
    );
    expect(await entriesOf('li')).toEqual([expect.objectContaining({ entryId, points: -60 })]);
  });

  it('ends a repaired entry when the repair is granted', async () => {
    const entryId = await ledger.record('li', 'TRF-TICKET', '2026-09-03T07:45:00Z');
    await ledger.ledger.requestCreditRepair(
      { subjectId: 'li', entryId, proof: [proof] },
      { idempotencyKey: 'repair-1', actorId: 'li' },
    );
    await ledger.ledger.decideCreditRepair(
      { subjectId: 'li', entryId, decision: 'grant', reasons: 'the fine is paid' },
      { idempotencyKey: 'repair-2', actorId: 'officer-gao' },
    );
    expect(await entriesOf('li')).toEqual([expect.objectContaining({ entryId, endedAt: reportNow.toISOString() })]);
  });

  it('is the same read in small pages as in one', async () => {
    await ledger.register('wang');
    for (const month of ['05', '06', '07']) await ledger.record('wang', 'TRF-TICKET', `2026-${month}-01T08:00:00Z`);
    const inPagesOfTwo = await readPopulation(ledger.store, { pageSize: 2 });
    expect(inPagesOfTwo).toEqual(await readPopulation(ledger.store));
  });

  it('is read up to the head of the log', async () => {
    expect((await readPopulation(ledger.store)).position).toBe(await ledger.store.headPosition());
  });
});
