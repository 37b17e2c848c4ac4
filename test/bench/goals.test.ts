import { below, ratioAtLeast } from '../../bench/goals';
import type { Figure, Measurement } from '../../bench/figures/figure';
import { summarise } from '../../bench/stats';

/** A figure as the goals see it: only its primary metric and whether more is better matter. */
const figureWith = (higherIsBetter: boolean): Figure => ({
  id: 'rebuild',
  title: 'a figure',
  primary: { metric: 'value', unit: 'events/s', higherIsBetter },
  goals: [],
  prerequisites: [],
  measure: () => Promise.reject(new Error('not measured here')),
});
const rates = figureWith(true);
const latencies = figureWith(false);

const measured = (ours: number[], baseline?: number[]): Measurement => ({
  ours: { value: summarise(ours) },
  ...(baseline ? { baseline: { value: summarise(baseline) } } : {}),
  notes: [],
});

describe('a ratio goal', () => {
  const atLeastHalf = ratioAtLeast(0.5);

  it('is judged on the medians when both sides agree with themselves', () => {
    expect(atLeastHalf.evaluate(rates, measured([60, 62, 61], [100, 101, 99]))).toEqual({ met: true, detail: '0.61×' });
    expect(atLeastHalf.evaluate(rates, measured([40, 41, 42], [100, 101, 99])).met).toBe(false);
  });

  it('is met when the runs disagree but every pairing of runs reaches it', () => {
    const verdict = atLeastHalf.evaluate(rates, measured([60, 90, 70], [100, 110, 105]));
    expect(verdict.met).toBe(true);
    expect(verdict.detail).toBe('runs disagree, but every pairing of runs reaches it: 0.55×–0.90×');
  });

  it('is missed when the runs disagree but no pairing of runs reaches it, with the gap at best', () => {
    const verdict = atLeastHalf.evaluate(rates, measured([20, 40, 30], [100, 150, 120]));
    expect(verdict.met).toBe(false);
    expect(verdict.detail).toBe('runs disagree, but no pairing of runs reaches it: 0.13×–0.40×, 0.10× short at best');
  });

  it('stays undecided when some pairings of disagreeing runs reach it and others do not', () => {
    expect(atLeastHalf.evaluate(rates, measured([30, 60, 45], [100, 101, 99])).met).toBeNull();
  });

  it('puts the baseline over ours when less is better', () => {
    const verdict = atLeastHalf.evaluate(latencies, measured([10, 14, 12], [8, 9, 8.5]));
    expect(verdict.met).toBe(true);
    expect(verdict.detail).toBe('runs disagree, but every pairing of runs reaches it: 0.57×–0.90×');
  });

  it('stays undecided when the runs failed', () => {
    const failed = { ...measured([60, 90, 70], [100, 110, 105]), failure: 'the server did not start' };
    expect(atLeastHalf.evaluate(rates, failed).met).toBeNull();
  });
});

describe('a limit goal', () => {
  const underTwoHundredFifty = below('value', 250, 'B', 'RSS per subject');

  it('is met when the runs disagree but each is under the limit', () => {
    const verdict = underTwoHundredFifty.evaluate(rates, measured([54, 75.9, 44]));
    expect(verdict.met).toBe(true);
    expect(verdict.detail).toBe('runs disagree, but each is under it: 54.0 B, 75.9 B, 44.0 B');
  });

  it('is missed when the runs disagree but none is under the limit', () => {
    expect(underTwoHundredFifty.evaluate(rates, measured([250, 400, 320])).met).toBe(false);
  });

  it('stays undecided when disagreeing runs fall on both sides of the limit', () => {
    const verdict = underTwoHundredFifty.evaluate(rates, measured([271, 233, 330]));
    expect(verdict.met).toBeNull();
    expect(verdict.detail).toBe(
      'no RSS per subject: its runs disagree, on both sides of the limit (271 B, 233 B, 330 B)',
    );
  });
});
