import { calendarCoverage, calendarWarningDays } from '../../src/ledger/calendarCoverage';
import { defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';

const calendar = loadCalendar(defaultCalendarPath());
const lastYear = calendar.years.to;
/** 24:00 in Beijing on 31 December of the calendar's last year. */
const coverEnd = new Date(`${lastYear}-12-31T16:00:00.000Z`);
const daysBefore = (days: number, hours = 0): Date => new Date(coverEnd.getTime() - (days * 24 + hours) * 3_600_000);

describe('how long the working-day calendar still answers', () => {
  it('ends at 24:00 local on 31 December of its last year, and counts the whole days left to it', () => {
    expect(calendarCoverage(calendar, daysBefore(35, 4))).toMatchObject({
      calendarId: 'china',
      coversUntil: coverEnd.toISOString(),
      daysLeft: 35,
    });
  });

  it('warns, naming the year to add, with fewer than the warning days left', () => {
    const coverage = calendarCoverage(calendar, daysBefore(calendarWarningDays - 1));
    expect(coverage.warning).toContain(`until ${lastYear + 1} is added`);
    expect(coverage.warning).toContain('calendar-not-covering');
  });

  it('does not warn with the warning days or more left', () => {
    expect(calendarCoverage(calendar, daysBefore(calendarWarningDays)).warning).toBeUndefined();
  });

  it('counts days past the end as negative, and still warns', () => {
    const coverage = calendarCoverage(calendar, new Date(coverEnd.getTime() + 3 * 24 * 3_600_000));
    expect(coverage.daysLeft).toBe(-3);
    expect(coverage.warning).toBeDefined();
  });
});
