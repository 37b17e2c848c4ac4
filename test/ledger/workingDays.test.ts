import { addWorkingDays, CalendarNotCovering, hasDeadlinePassed, isWorkingDay } from '../../src/ledger/workingDays';
import { chinaUntil2026 } from '../support/calendars';

/** The shipped calendar's days, ending with 2026 whatever years the shipped file adds. */
const china = chinaUntil2026();
const removalDue = 3;

/** 3 working days after `trigger`, as an ISO instant. */
const dueAfter = (trigger: string): string => addWorkingDays(china, new Date(trigger), removalDue).toISOString();

describe('working days in the China calendar', () => {
  it('counts an ordinary weekday as a working day, and a Saturday or Sunday not', () => {
    expect(isWorkingDay(china, '2026-11-26')).toBe(true);
    expect(isWorkingDay(china, '2026-11-28')).toBe(false);
    expect(isWorkingDay(china, '2026-11-29')).toBe(false);
  });

  it('counts a public holiday on a weekday as a day off', () => {
    expect(isWorkingDay(china, '2026-10-05')).toBe(false);
  });

  it('counts a make-up Saturday as a working day', () => {
    expect(isWorkingDay(china, '2026-05-09')).toBe(true);
  });
});

describe('a deadline of 3 working days', () => {
  it('ends at 24:00 Shanghai time on the third working day after the trigger day', () => {
    // Thursday 26 November 2026: Friday, Monday, Tuesday.
    expect(dueAfter('2026-11-26T02:00:00Z')).toBe('2026-12-01T16:00:00.000Z');
  });

  it('has not passed one millisecond before the end of the last working day, and has at its end', () => {
    const trigger = new Date('2026-11-26T02:00:00Z');
    expect(hasDeadlinePassed(china, trigger, removalDue, new Date('2026-12-01T15:59:59.999Z'))).toBe(false);
    expect(hasDeadlinePassed(china, trigger, removalDue, new Date('2026-12-01T16:00:00.000Z'))).toBe(true);
  });

  it('counts a trigger on a Friday evening from Monday', () => {
    // Friday 20 November 2026, 20:00 in Shanghai: Monday, Tuesday, Wednesday.
    expect(dueAfter('2026-11-20T12:00:00Z')).toBe('2026-11-25T16:00:00.000Z');
  });

  it("takes the trigger's day in Shanghai, not in UTC", () => {
    // Thursday 19 November 16:30 UTC is already Friday 00:30 in Shanghai: Monday, Tuesday, Wednesday.
    expect(dueAfter('2026-11-19T16:30:00Z')).toBe('2026-11-25T16:00:00.000Z');
  });

  it('counts a trigger on a holiday from the next working day', () => {
    // Labour Day, Friday 1 May 2026; the holiday runs to Tuesday 5 May: Wednesday, Thursday, Friday.
    expect(dueAfter('2026-05-01T03:00:00Z')).toBe('2026-05-08T16:00:00.000Z');
  });

  it('counts a make-up Saturday as one of the three', () => {
    // Thursday 7 May 2026: Friday, make-up Saturday 9 May, Monday.
    expect(dueAfter('2026-05-07T03:00:00Z')).toBe('2026-05-11T16:00:00.000Z');
  });

  it('skips the whole National Day week from its last working day before it', () => {
    // Wednesday 30 September 2026; 1 to 7 October off: Thursday 8, Friday 9, make-up Saturday 10.
    expect(dueAfter('2026-09-30T03:00:00Z')).toBe('2026-10-10T16:00:00.000Z');
  });

  it('skips the Spring Festival week', () => {
    // Friday 13 February 2026: make-up Saturday 14, 15 to 23 February off, Tuesday 24, Wednesday 25.
    expect(dueAfter('2026-02-13T03:00:00Z')).toBe('2026-02-25T16:00:00.000Z');
  });

  it('refuses a deadline that runs past the years the calendar covers', () => {
    // Wednesday 30 December 2026: Thursday 31, then 2027, which the calendar does not list.
    expect(() => dueAfter('2026-12-30T03:00:00Z')).toThrow(CalendarNotCovering);
  });

  it('can still say a deadline beyond the calendar has not passed, while the clock is inside it', () => {
    const trigger = new Date('2026-12-30T03:00:00Z');
    expect(hasDeadlinePassed(china, trigger, removalDue, new Date('2026-12-31T12:00:00Z'))).toBe(false);
  });

  it('agrees with hasDeadlinePassed on every day and hour of 2025', () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let hour = 0; hour < 364 * 24; hour += 7) {
      const trigger = new Date(start + hour * 3_600_000);
      const due = addWorkingDays(china, trigger, removalDue);
      expect(hasDeadlinePassed(china, trigger, removalDue, new Date(due.getTime() - 1))).toBe(false);
      expect(hasDeadlinePassed(china, trigger, removalDue, due)).toBe(true);
    }
  });

  it('is at least one working day away', () => {
    expect(() => addWorkingDays(china, new Date('2026-11-26T02:00:00Z'), 0)).toThrow(RangeError);
  });
});
