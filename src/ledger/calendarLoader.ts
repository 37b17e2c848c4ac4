import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../projectRoot';
import { schemaRegistry, type ValidationFailure } from '../schemaRegistry';
import { parseDate } from './calendar';
import {
  compileCalendar,
  weekdays,
  type CalendarDay,
  type CalendarDocument,
  type WorkingDayCalendar,
} from './workingDays';

/** A calendar file that cannot be used: unreadable, not JSON, not a calendar, or inconsistent. */
export class CalendarInvalidError extends Error {
  override readonly name = 'CalendarInvalidError';
  constructor(
    readonly file: string,
    readonly failures: readonly ValidationFailure[],
  ) {
    super(
      `${file}: ${failures.map(({ field, message }) => (field === '' ? message : `${field}: ${message}`)).join('; ')}`,
    );
  }
}

export const defaultCalendarPath = (): string => join(projectRoot(), 'calendars', 'china.json');

const readDocument = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CalendarInvalidError(file, [{ field: '', message: `cannot be read (${reason})` }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CalendarInvalidError(file, [{ field: '', message: `is not valid JSON (${(error as Error).message})` }]);
  }
};

/**
 * What the JSON Schema cannot say: every listed day lies in the covered years and is listed once, no day is
 * both a holiday and a make-up working day, and a make-up day falls on a weekly day off (or it would change
 * nothing).
 */
export const calendarFindings = (document: CalendarDocument): ValidationFailure[] => {
  const { from, to } = document.years;
  if (from > to) return [{ field: '/years', message: `from (${from}) is after to (${to})` }];
  const findings: ValidationFailure[] = [];
  const seen = new Set<string>();
  const check = (list: 'holidays' | 'makeUpWorkingDays', day: CalendarDay, index: number): void => {
    const field = `/${list}/${index}/date`;
    const year = Number(day.date.slice(0, 4));
    if (year < from || year > to) findings.push({ field, message: `${day.date} is outside the years ${from}–${to}` });
    if (seen.has(day.date)) findings.push({ field, message: `${day.date} is listed twice` });
    seen.add(day.date);
  };
  document.holidays.forEach((day, index) => check('holidays', day, index));
  document.makeUpWorkingDays.forEach((day, index) => {
    check('makeUpWorkingDays', day, index);
    const weekday = weekdays[parseDate(day.date).getUTCDay()] as (typeof weekdays)[number];
    if (!document.weekendDays.includes(weekday)) {
      findings.push({
        field: `/makeUpWorkingDays/${index}/date`,
        message: `${day.date} is a ${weekday}, already a working day`,
      });
    }
  });
  return findings;
};

/** Reads a calendar file and returns it ready for use, only if its shape and its days are sound. */
export const loadCalendar = (file: string): WorkingDayCalendar => {
  const document = readDocument(file);
  const failure = schemaRegistry().validate('calendar.schema.json', document);
  if (failure) throw new CalendarInvalidError(file, [failure]);
  const findings = calendarFindings(document as CalendarDocument);
  if (findings.length > 0) throw new CalendarInvalidError(file, findings);
  return compileCalendar(document as CalendarDocument);
};
