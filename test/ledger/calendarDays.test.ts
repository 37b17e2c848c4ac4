import { addDays } from '../../src/ledger/workingDays';
import { chinaUntil2026 } from '../support/calendars';

/** The shipped calendar's days, ending with 2026 whatever years the shipped file adds. */
const china = chinaUntil2026();
const after = (instant: string, days: number): string => addDays(china, new Date(instant), days).toISOString();

describe('a deadline of calendar days', () => {
  it('ends at 24:00 Shanghai time on the n-th day after the trigger day', () => {
    // Thursday 26 November 2026, 10:00 in Shanghai; thirty days: Saturday 26 December.
    expect(after('2026-11-26T02:00:00Z', 30)).toBe('2026-12-26T16:00:00.000Z');
  });

  it('counts weekends and holidays like any day', () => {
    // Wednesday 30 September 2026; the National Day week counts: 7 October.
    expect(after('2026-09-30T03:00:00Z', 7)).toBe('2026-10-07T16:00:00.000Z');
  });

  it("takes the trigger's day in Shanghai, not in UTC", () => {
    // 16:30 UTC on 19 November is already 20 November in Shanghai.
    expect(after('2026-11-19T16:30:00Z', 1)).toBe('2026-11-21T16:00:00.000Z');
  });

  it('runs past the years the working-day calendar lists, since it needs only its offset', () => {
    // Sunday 20 December 2026; forty-five days on is in 2027, a year the calendar does not list.
    expect(after('2026-12-20T02:00:00Z', 45)).toBe('2027-02-03T16:00:00.000Z');
  });

  it('is at least one day away', () => {
    expect(() => addDays(china, new Date('2026-11-26T02:00:00Z'), 0)).toThrow(RangeError);
  });
});
