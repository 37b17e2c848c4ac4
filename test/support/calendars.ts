import { readFileSync } from 'node:fs';
import { calendarFindings, defaultCalendarPath } from '../../src/ledger/calendarLoader';
import { schemaRegistry } from '../../src/schemaRegistry';
import { compileCalendar, type CalendarDocument, type WorkingDayCalendar } from '../../src/ledger/workingDays';

/** The last year of the fixture calendar: the tests of a deadline past the calendar's end use late 2026. */
export const fixtureLastYear = 2026;

/**
 * The shipped China calendar (calendars/china.json) cut at the end of 2026: its days for 2024 to 2026 as shipped,
 * and 2026 its last year whatever years the shipped file adds. A test of a deadline past the calendar's last year
 * uses it, so that it goes on testing exactly that once the operator adds the next year.
 */
export const chinaUntil2026 = (): WorkingDayCalendar => {
  const shipped = JSON.parse(readFileSync(defaultCalendarPath(), 'utf8')) as CalendarDocument;
  if (shipped.years.to < fixtureLastYear) {
    throw new Error(`the shipped calendar ends in ${shipped.years.to}, before the fixture's ${fixtureLastYear}`);
  }
  const upTo = (day: { date: string }) => Number(day.date.slice(0, 4)) <= fixtureLastYear;
  const document: CalendarDocument = {
    ...shipped,
    years: { ...shipped.years, to: fixtureLastYear },
    holidays: shipped.holidays.filter(upTo),
    makeUpWorkingDays: shipped.makeUpWorkingDays.filter(upTo),
  };
  // The loader's own checks, on the document rather than a file.
  const failure = schemaRegistry().validate('calendar.schema.json', document);
  const findings = calendarFindings(document);
  if (failure || findings.length > 0)
    throw new Error(`the fixture calendar is invalid: ${JSON.stringify(failure ?? findings)}`);
  return compileCalendar(document);
};
