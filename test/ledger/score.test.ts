import fc from 'fast-check';
import { scoreAt, type ScoredEntry } from '../../src/ledger/score';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';

const scheme = loadScheme(defaultSchemePath());
const at = new Date('2026-11-26T10:00:00.000Z');

const entry = (overrides: Partial<ScoredEntry>): ScoredEntry => ({
  entryId: 'e1',
  ruleCode: 'TRF-TICKET',
  direction: 'deduction',
  points: -5,
  severity: 'minor',
  occurredAt: '2026-10-01T00:00:00.000Z',
  effectiveUntil: '2027-10-01T00:00:00.000Z',
  schemeVersion: 'rongcheng-2021.1',
  ...overrides,
});

describe('the score at an instant', () => {
  it('is the baseline plus the points of the entries in effect', () => {
    expect(scoreAt(scheme, 1000, [entry({ points: -5 }), entry({ entryId: 'e2', points: 30 })], at).score).toBe(1025);
  });

  it('counts an entry from the instant its conduct occurred', () => {
    expect(scoreAt(scheme, 1000, [entry({ occurredAt: at.toISOString() })], at).score).toBe(995);
  });

  it('stops counting an entry at the instant its effect ends', () => {
    expect(scoreAt(scheme, 1000, [entry({ effectiveUntil: at.toISOString() })], at).score).toBe(1000);
  });

  it.each([
    [1050, 'AAA'],
    [1049, 'AA'],
    [1030, 'AA'],
    [1029, 'A'],
    [960, 'A'],
    [959, 'B'],
    [850, 'B'],
    [849, 'C'],
    [600, 'C'],
    [599, 'D'],
  ])('puts %i points in grade %s', (points, grade) => {
    expect(scoreAt(scheme, points, [], at).grade).toBe(grade);
  });

  it('gives the points to the bands either side', () => {
    expect(scoreAt(scheme, 1000, [], at).explanation).toMatchObject({
      pointsToNextBandUp: 30,
      pointsToNextBandDown: 41,
    });
  });

  it('has no band above AAA and none below D', () => {
    expect(scoreAt(scheme, 1100, [], at).explanation.pointsToNextBandUp).toBeNull();
    expect(scoreAt(scheme, 100, [], at).explanation.pointsToNextBandDown).toBeNull();
  });

  it('takes the lower of the band and an active grade cap, naming the cap', () => {
    const result = scoreAt(
      scheme,
      1060,
      [entry({ entryId: 'dui', points: 0, direction: 'gradeCap', gradeCap: 'C' })],
      at,
    );
    expect([result.grade, result.explanation.bindingConstraint]).toEqual(['C', 'cap:dui']);
  });

  it('lets the points bind when the band is already below the cap', () => {
    const result = scoreAt(
      scheme,
      500,
      [entry({ entryId: 'dui', points: 0, direction: 'gradeCap', gradeCap: 'C' })],
      at,
    );
    expect([result.grade, result.explanation.bindingConstraint]).toEqual(['D', 'points']);
  });

  it('explains the entries in effect oldest conduct first, and those of the same instant by id', () => {
    const entries = [
      entry({ entryId: 'b', occurredAt: '2026-10-02T00:00:00.000Z' }),
      entry({ entryId: 'c', occurredAt: '2026-10-01T00:00:00.000Z' }),
      entry({ entryId: 'a', occurredAt: '2026-10-02T00:00:00.000Z' }),
    ];
    expect(scoreAt(scheme, 1000, entries, at).explanation.entries.map((item) => item.entryId)).toEqual(['c', 'a', 'b']);
  });

  it('names as the next change the first coming end that moves the score, with every entry ending then', () => {
    const entries = [
      entry({ entryId: 'unmoving', points: 0, effectiveUntil: '2026-12-01T00:00:00.000Z' }),
      entry({ entryId: 'e1', points: -5, effectiveUntil: '2027-01-01T00:00:00.000Z' }),
      entry({ entryId: 'e2', points: -10, effectiveUntil: '2027-01-01T00:00:00.000Z' }),
      entry({ entryId: 'later', points: -1, effectiveUntil: '2027-06-01T00:00:00.000Z' }),
    ];
    expect(scoreAt(scheme, 1000, entries, at).explanation.nextChange).toEqual({
      at: '2027-01-01T00:00:00.000Z',
      reason: 'entryExpires',
      entryIds: ['e1', 'e2'],
      score: 999,
      grade: 'A',
    });
  });

  it('leaves conduct after the instant out of the next change, as a replay of a past instant knows of it', () => {
    const entries = [
      entry({ entryId: 'now', points: -5, effectiveUntil: '2027-01-01T00:00:00.000Z' }),
      entry({ entryId: 'after', points: -5, occurredAt: '2026-12-01T00:00:00.000Z' }),
    ];
    expect(scoreAt(scheme, 1000, entries, at).explanation.nextChange).toMatchObject({
      at: '2027-01-01T00:00:00.000Z',
      entryIds: ['now'],
      score: 1000,
    });
  });

  it('names a repaired entry ending before its period as the next change, for its repair', () => {
    const repaired = entry({ entryId: 'repaired', endedAt: '2026-11-30T00:00:00.000Z' });
    expect(scoreAt(scheme, 1000, [repaired], at).explanation.nextChange).toMatchObject({
      at: '2026-11-30T00:00:00.000Z',
      reason: 'repairedEntryEnds',
      entryIds: ['repaired'],
      score: 1000,
    });
  });

  it('has no next change when no coming end of an entry in effect changes the score or the grade', () => {
    const entries = [
      entry({ entryId: 'unmoving', points: 0 }),
      entry({ entryId: 'expired', effectiveUntil: '2026-11-01T00:00:00.000Z' }),
      entry({ entryId: 'coming', occurredAt: '2026-12-01T00:00:00.000Z' }),
    ];
    expect(scoreAt(scheme, 1000, entries, at).explanation.nextChange).toBeNull();
  });

  it('names, of two caps of the same grade, the one whose effect lasts longer once repair is counted', () => {
    const repaired = entry({
      entryId: 'repaired',
      direction: 'gradeCap',
      points: 0,
      gradeCap: 'C',
      effectiveUntil: '2028-01-01T00:00:00.000Z',
      endedAt: '2026-12-01T00:00:00.000Z',
    });
    const lasting = entry({ entryId: 'lasting', direction: 'gradeCap', points: 0, gradeCap: 'C' });
    expect(scoreAt(scheme, 1060, [repaired, lasting], at).explanation.bindingConstraint).toBe('cap:lasting');
  });

  it('matches a straightforward sum for any set of entries', () => {
    const instants = fc.integer({ min: Date.parse('2021-01-01'), max: Date.parse('2030-01-01') });
    const entries = fc.array(
      fc.record({
        points: fc.integer({ min: -100, max: 100 }),
        from: instants,
        months: fc.integer({ min: 1, max: 60 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(entries, instants, (drawn, instant) => {
        const moment = new Date(instant);
        const scored = drawn.map((item, index) =>
          entry({
            entryId: `e${index}`,
            points: item.points,
            occurredAt: new Date(item.from).toISOString(),
            effectiveUntil: new Date(item.from + item.months * 30 * 86_400_000).toISOString(),
          }),
        );
        let expected = 1000;
        for (const item of drawn) {
          if (item.from <= instant && instant < item.from + item.months * 30 * 86_400_000) expected += item.points;
        }
        expect(scoreAt(scheme, 1000, scored, moment).score).toBe(expected);
      }),
    );
  });
});
