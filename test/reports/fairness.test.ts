import type { ReversalReason } from '../../src/events/ledgerEvents';
import { fairnessReport, noDistrictData, type DistrictOf } from '../../src/reports/fairness';
import { readPopulation, type Population } from '../../src/reports/population';
import { openPopulationLedger, rongcheng } from '../support/populationLedger';

/**
 * A small log, recorded through the ledger's commands:
 *
 *   officer-ma  (traffic police)       tickets (-5): wang twice, zhao once; zhao's reversed on objection
 *   clerk-he    (charity federation)   donations (+30): qian, zhou
 *   cadre-lu    (village committee)    volunteer projects (+2): wang, li
 *   judge-fan   (court)                a drunk-driving grade cap on wu, approved by a second person
 */

let population: Population;

beforeAll(async () => {
  const ledger = await openPopulationLedger();
  for (const subjectId of ['li', 'wang', 'zhao', 'qian', 'zhou', 'wu']) await ledger.register(subjectId);
  await ledger.record('wang', 'TRF-TICKET', '2026-09-01T08:00:00Z', { recorder: 'officer-ma' });
  await ledger.record('wang', 'TRF-TICKET', '2026-10-01T08:00:00Z', { recorder: 'officer-ma' });
  const reversed = await ledger.record('zhao', 'TRF-TICKET', '2026-09-15T08:00:00Z', { recorder: 'officer-ma' });
  await ledger.reverse('zhao', reversed, 'objectionReversed');
  await ledger.record('qian', 'CHR-DONATION', '2025-01-15T10:00:00Z', { recorder: 'clerk-he' });
  await ledger.record('zhou', 'CHR-DONATION', '2026-03-01T10:00:00Z', { recorder: 'clerk-he' });
  await ledger.record('wang', 'VOL-PROJECT', '2026-05-01T10:00:00Z', { recorder: 'cadre-lu' });
  await ledger.record('li', 'VOL-PROJECT', '2026-06-01T10:00:00Z', { recorder: 'cadre-lu' });
  const cap = await ledger.record('wu', 'TRF-DUI', '2026-07-01T22:00:00Z', { recorder: 'judge-fan' });
  await ledger.ledger.decideApproval(
    { subjectId: 'wu', entryId: cap, decision: 'approve' },
    { idempotencyKey: 'approve-cap', actorId: 'approver-wu' },
  );
  population = await readPopulation(ledger.store);
});

const report = (districtOf?: DistrictOf) =>
  fairnessReport(population, { schemes: [rongcheng], ...(districtOf ? { districtOf } : {}) });

const none = { count: 0, points: 0 };

describe('the fairness report', () => {
  it('tallies by recorder the entries that stand, and every entry they posted', () => {
    expect(report().byRecorder).toEqual({
      'officer-ma': {
        deductions: { count: 2, points: -10 },
        additions: none,
        gradeCaps: 0,
        posted: 3,
        reversedOnObjection: 1,
      },
      'clerk-he': {
        deductions: none,
        additions: { count: 2, points: 60 },
        gradeCaps: 0,
        posted: 2,
        reversedOnObjection: 0,
      },
      'cadre-lu': {
        deductions: none,
        additions: { count: 2, points: 4 },
        gradeCaps: 0,
        posted: 2,
        reversedOnObjection: 0,
      },
      'judge-fan': { deductions: none, additions: none, gradeCaps: 1, posted: 1, reversedOnObjection: 0 },
    });
  });

  it("tallies by the sector of each entry's rule", () => {
    expect(report().bySector).toEqual({
      traffic: { deductions: { count: 2, points: -10 }, additions: none, gradeCaps: 1 },
      charity: { deductions: none, additions: { count: 2, points: 60 }, gradeCaps: 0 },
      volunteering: { deductions: none, additions: { count: 2, points: 4 }, gradeCaps: 0 },
    });
  });

  it('tallies by the authority each recorder acted for', () => {
    expect(report().byAuthority).toEqual({
      'traffic-police': { deductions: { count: 2, points: -10 }, additions: none, gradeCaps: 0 },
      'charity-federation': { deductions: none, additions: { count: 2, points: 60 }, gradeCaps: 0 },
      'village-committee': { deductions: none, additions: { count: 2, points: 4 }, gradeCaps: 0 },
      court: { deductions: none, additions: none, gradeCaps: 1 },
    });
  });

  it('says there is no district data rather than invent districts', () => {
    expect(report().byDistrict).toBe(noDistrictData);
  });

  it('tallies by district when a source of districts is given, the unknown apart', () => {
    const districts: Record<string, string> = { wang: 'Yatou', zhao: 'Yatou', li: 'Chengxi' };
    expect(report((subjectId) => districts[subjectId]).byDistrict).toEqual({
      Yatou: { deductions: { count: 2, points: -10 }, additions: { count: 1, points: 2 }, gradeCaps: 0 },
      Chengxi: { deductions: none, additions: { count: 1, points: 2 }, gradeCaps: 0 },
      unknown: { deductions: none, additions: { count: 2, points: 60 }, gradeCaps: 1 },
    });
  });

  it('gives the share of addition points that came from donations', () => {
    // Donations 30 + 30 of additions 30 + 30 + 2 + 2: 60 / 64.
    expect(report().donations).toEqual({ additionPoints: 64, donationPoints: 60, share: 0.9375 });
  });
});

describe('a reversal counted against the recorder', () => {
  it.each<[ReversalReason, number]>([
    ['objectionReversed', 1],
    ['unverifiable', 1],
    ['reconsidered', 1],
    ['deadlineMissed', 1],
    ['amended', 0],
  ])('a reversal for %s adds %i to the reversals on objection', async (reason, counted) => {
    const ledger = await openPopulationLedger();
    await ledger.register('li');
    const entryId = await ledger.record('li', 'TRF-TICKET', '2026-09-01T08:00:00Z', { recorder: 'officer-ma' });
    await ledger.reverse('li', entryId, reason);
    const { byRecorder } = fairnessReport(await readPopulation(ledger.store), { schemes: [rongcheng] });
    expect(byRecorder['officer-ma']?.reversedOnObjection).toBe(counted);
  });
});
