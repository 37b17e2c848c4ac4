import { binomialUpperTail, flagReversalOutliers, type RecorderReversals } from '../../src/reports/reversalOutliers';

const recorder = (name: string, entries: number, reversedOnObjection: number): RecorderReversals => ({
  recorder: name,
  entries,
  reversedOnObjection,
});

/** Nine recorders with 50 entries and one reversal each: 9 of 450, a rate of 2%. */
const usual = Array.from({ length: 9 }, (_, index) => recorder(`officer-${index}`, 50, 1));

describe('the binomial upper tail', () => {
  it.each([
    // Ten heads in ten fair tosses: 1/1024. At least one in three: 1 - 1/8.
    [10, 10, 0.5, 1 / 1024],
    [3, 1, 0.5, 7 / 8],
    // At least 10 of 50 at a rate of 19/500: the sum of C(50, i) p^i (1 - p)^(50 - i) for i from 10, 1.5945e-5.
    [50, 10, 19 / 500, 1.5945139e-5],
  ])('of %i trials, at least %i, at rate %d, is %d', (trials, successes, rate, tail) => {
    expect(binomialUpperTail(trials, successes, rate)).toBeCloseTo(tail, 10);
  });

  it('does not underflow on a large count', () => {
    // 100,000 trials at 2%: 0.98^100000 is below 1e-877, yet the tail from the mean is 0.50306 (lgamma sums).
    expect(binomialUpperTail(100_000, 2_000, 0.02)).toBeCloseTo(0.50306, 4);
  });
});

describe('recorders reversed on objection unusually often', () => {
  it('flags a recorder whose reversals the overall rate makes improbable', () => {
    // With officer-x's 10 of 50, the overall rate is 19/500; at it, 10 or more of 50 has a chance of 1.6e-5.
    // Each of the others' one of 50 has a chance of 1 - (1 - 0.038)^50 = 0.86.
    const { overallRate, flagged } = flagReversalOutliers([...usual, recorder('officer-x', 50, 10)]);
    expect(overallRate).toBeCloseTo(0.038, 10);
    expect(flagged).toEqual([
      {
        ...recorder('officer-x', 50, 10),
        rate: 0.2,
        expected: expect.closeTo(1.9, 10),
        probability: expect.closeTo(1.5945139e-5, 10),
      },
    ]);
  });

  it('never flags a recorder with fewer than 20 entries', () => {
    expect(flagReversalOutliers([...usual, recorder('officer-y', 19, 19)]).flagged).toEqual([]);
  });

  it('flags no one when nothing was reversed', () => {
    expect(flagReversalOutliers([recorder('officer-z', 100, 0)])).toEqual({ overallRate: 0, flagged: [] });
  });
});
