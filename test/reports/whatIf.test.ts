import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPopulation, type Population, type PopulationEntry } from '../../src/reports/population';
import { runWhatIf } from '../../src/reports/reportRuns';
import { applySchemeChange, type SchemeChange } from '../../src/reports/schemeChange';
import { rejudgedEntry, whatIf } from '../../src/reports/whatIf';
import { temporaryFolder } from '../support/ledgerService';
import { openPopulationLedger, reportNow, rongcheng, type PopulationLedger } from '../support/populationLedger';

/**
 * Seven residents under Rongcheng (baseline 1000; bands AAA 1050, AA 1030, A 960, B 850), graded on 2026-11-26:
 *
 *   li     no entries                                                      1000  A
 *   wang   1 ticket (-5, minor: counts 12 months)                           995  A
 *   zhao   5 tickets                                                        975  A
 *   sun    8 tickets                                                        960  A, the lowest A
 *   qian   a donation (+30, counts 36 months) on 2025-01-15                1030  AA
 *   zhou   a donation on 2023-12-01, counting until 2026-12-01             1030  AA
 *   wu     3 contract breaches (-20 each, general: 36 months) in 2025       940  B
 */

let population: Population;
let ledger: PopulationLedger;

const ticketDates = (count: number): string[] =>
  Array.from({ length: count }, (_, month) => `2026-0${month + 1}-05T09:00:00Z`);

beforeAll(async () => {
  ledger = await openPopulationLedger();
  const residents: [string, [string, string][]][] = [
    ['li', []],
    ['wang', ticketDates(1).map((date) => ['TRF-TICKET', date])],
    ['zhao', ticketDates(5).map((date) => ['TRF-TICKET', date])],
    ['sun', ticketDates(8).map((date) => ['TRF-TICKET', date])],
    ['qian', [['CHR-DONATION', '2025-01-15T10:00:00Z']]],
    ['zhou', [['CHR-DONATION', '2023-12-01T10:00:00Z']]],
    [
      'wu',
      [
        ['COM-CONTRACT-BREACH', '2025-03-01T10:00:00Z'],
        ['COM-CONTRACT-BREACH', '2025-05-01T10:00:00Z'],
        ['COM-CONTRACT-BREACH', '2025-07-01T10:00:00Z'],
      ],
    ],
  ];
  for (const [subjectId, entries] of residents) {
    await ledger.register(subjectId);
    for (const [ruleCode, occurredAt] of entries) await ledger.record(subjectId, ruleCode, occurredAt);
  }
  population = await readPopulation(ledger.store);
});

const proposal = (change: SchemeChange) => applySchemeChange(rongcheng, change, 'the test change');
const replay = (change: SchemeChange) =>
  whatIf(population, { current: rongcheng, proposed: proposal(change), at: reportNow });

describe('what-if', () => {
  it('changes no grade when the proposal is the scheme in force', () => {
    const result = whatIf(population, { current: rongcheng, proposed: rongcheng, at: reportNow });
    expect([result.changedTotal, result.transitions]).toEqual([0, { 'A->A': 4, 'AA->AA': 2, 'B->B': 1 }]);
  });

  it('moves exactly the subjects a changed points value pushes across a band', () => {
    // Tickets at -15: wang 985 stays A; zhao 1000 - 75 = 925 and sun 1000 - 120 = 880 fall to B.
    const result = replay({ rules: { 'TRF-TICKET': { points: -15 } } });
    expect(result.transitions).toEqual({ 'A->A': 2, 'A->B': 2, 'AA->AA': 2, 'B->B': 1 });
    expect(result.changed).toEqual([
      { subjectId: 'zhao', from: 'A', to: 'B', scoreFrom: 975, scoreTo: 925 },
      { subjectId: 'sun', from: 'A', to: 'B', scoreFrom: 960, scoreTo: 880 },
    ]);
  });

  it('regrades by the proposed bands without changing any score', () => {
    // AA from 1040: qian and zhou, at 1030, fall to A.
    const gradeBands = rongcheng.gradeBands.map((band) => (band.grade === 'AA' ? { ...band, minScore: 1040 } : band));
    const result = replay({ gradeBands });
    expect(result.transitions).toEqual({ 'A->A': 4, 'AA->A': 2, 'B->B': 1 });
    expect(result.changed.map(({ subjectId, scoreFrom, scoreTo }) => [subjectId, scoreFrom, scoreTo])).toEqual([
      ['qian', 1030, 1030],
      ['zhou', 1030, 1030],
    ]);
  });

  it('ends entries after the proposed effect months', () => {
    // Positive entries for 24 months: zhou's donation ended on 2025-12-01; qian's counts until 2027-01-15.
    const result = replay({ effectMonths: { positive: 24 } });
    expect(result.changed).toEqual([{ subjectId: 'zhou', from: 'AA', to: 'A', scoreFrom: 1030, scoreTo: 1000 }]);
  });

  it('no longer counts the entries of a rule the proposal removes', () => {
    // Without COM-CONTRACT-BREACH, wu's three breaches go: 940 B becomes 1000 A.
    const result = replay({ rules: { 'COM-CONTRACT-BREACH': null } });
    expect([result.changed, result.entriesOfRemovedRules]).toEqual([
      [{ subjectId: 'wu', from: 'B', to: 'A', scoreFrom: 940, scoreTo: 1000 }],
      3,
    ]);
  });

  it('counts a reversed entry under neither scheme', async () => {
    // He has 7 tickets, one reversed on objection: 6 count, 970 A now and 910 B at -15 (not 965 and 895).
    const other = await openPopulationLedger();
    await other.register('he');
    const tickets: string[] = [];
    for (const date of ticketDates(7)) tickets.push(await other.record('he', 'TRF-TICKET', date));
    await other.reverse('he', tickets[0] as string, 'objectionReversed');
    const result = whatIf(await readPopulation(other.store), {
      current: rongcheng,
      proposed: proposal({ rules: { 'TRF-TICKET': { points: -15 } } }),
      at: reportNow,
    });
    expect(result.changed).toEqual([{ subjectId: 'he', from: 'A', to: 'B', scoreFrom: 970, scoreTo: 910 }]);
  });

  it('reads the log and writes nothing', async () => {
    const folder = temporaryFolder();
    try {
      const changeFile = join(folder.path, 'tickets.json');
      writeFileSync(changeFile, JSON.stringify({ rules: { 'TRF-TICKET': { points: -15 } } }));
      const head = await ledger.store.headPosition();
      const result = await runWhatIf(ledger, { changeFile, at: reportNow });
      expect([result.changedTotal, result.position, await ledger.store.headPosition()]).toEqual([2, head, head]);
    } finally {
      folder.remove();
    }
  });
});

describe('re-judging an entry under a proposed range', () => {
  const recorded = (points: number): PopulationEntry => ({
    entryId: 'e1',
    ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
    direction: 'deduction',
    points,
    severity: 'general',
    occurredAt: '2026-10-12T09:00:00.000Z',
    effectiveUntil: '2029-10-12T09:00:00.000Z',
    schemeVersion: rongcheng.version,
    recordedBy: 'officer-zhang',
    authority: 'court',
  });
  const narrowed = proposal({ rules: { 'COM-OTHER-UNTRUSTWORTHY': { points: { min: -20, max: -5 } } } });

  it('keeps the recorded points the new range still holds', () => {
    expect(rejudgedEntry(narrowed, 'sun', recorded(-12))?.points).toBe(-12);
  });

  it('clamps recorded points outside the new range to its nearer end', () => {
    expect(rejudgedEntry(narrowed, 'sun', recorded(-45))?.points).toBe(-20);
  });
});
