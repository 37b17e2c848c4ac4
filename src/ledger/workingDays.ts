import { formatDate, parseDate } from './calendar';

/**
 * Working days, for deadlines such as "the court removes the entry within 3 working days" (SPC provisions on
 * the list of dishonest judgment defaulters, art. 10). The calendar is configuration (calendars/<id>.json,
 * read by calendarLoader): the weekly days off, the public holidays, and the make-up working days that China
 * moves onto weekends around its holidays, for the years the calendar covers.
 *
 * Conventions, which every deadline in the ledger follows:
 * - A day is a local day at the calendar's fixed UTC offset (+08:00 for China, which has kept no daylight
 *   saving since 1991, so a fixed offset is exact). Instants are stored and compared in UTC; only the
 *   question "which day is it?" is asked locally.
 * - The day of the trigger never counts, as for periods under the Civil Procedure Law (art. 85). A deadline
 *   of "n working days after a trigger on day D" is the end (24:00 local) of the n-th working day after D:
 *   a trigger at 18:00 on a Friday, n = 3, falls due at 24:00 on Wednesday (16:00Z). A trigger on a day off
 *   therefore counts from the next working day, which is the first of the n.
 * - Outside the years it covers, the calendar answers nothing and throws CalendarNotCovering. Weekends alone
 *   would be wrong by the holidays and make-up days of that year, in either direction, and a removal's
 *   `late` is recorded for ever in an immutable event: better a refusal the operator sees (and fixes by
 *   adding the year from the State Council notice, published each autumn) than a wrong fact. The one fact it can
 *   state past its last year is that a deadline there has not passed yet (addWorkingDaysWithinCover, and
 *   hasDeadlinePassed below), which a removal from a list needs at the year's end.
 */

export const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof weekdays)[number];

export interface CalendarDay {
  /** ISO date, local to the calendar. */
  date: string;
  name: string;
}

/** A calendar file, as schemas/calendar.schema.json fixes its shape. */
export interface CalendarDocument {
  id: string;
  title: string;
  /** A fixed offset such as `+08:00`: the jurisdiction must not observe daylight saving. */
  utcOffset: string;
  weekendDays: Weekday[];
  /** The calendar years whose holidays and make-up days are listed, inclusive. */
  years: { from: number; to: number };
  holidays: CalendarDay[];
  makeUpWorkingDays: CalendarDay[];
  /** Where the dates come from, and how they must be checked. */
  source: string;
}

/** A calendar ready for the arithmetic below: days as sets, the offset in milliseconds. */
export interface WorkingDayCalendar {
  id: string;
  years: { from: number; to: number };
  offsetMs: number;
  /** Days off each week, as Date#getUTCDay numbers (0 = Sunday). */
  weekendDays: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  makeUpWorkingDays: ReadonlySet<string>;
}

/** The calendar was asked about a day in a year it does not list. */
export class CalendarNotCovering extends Error {
  override readonly name = 'CalendarNotCovering';
  readonly code = 'calendar-not-covering';
  constructor(
    readonly calendarId: string,
    readonly date: string,
    years: { from: number; to: number },
  ) {
    super(
      `the working-day calendar ${calendarId} covers ${years.from} to ${years.to}, not ${date}: ` +
        `add that year from the State Council notice on public holidays`,
    );
  }
}

const dayMs = 24 * 60 * 60 * 1000;
const minuteMs = 60 * 1000;

const offsetMsOf = (utcOffset: string): number => {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset);
  if (!match) throw new Error(`not a UTC offset: ${utcOffset}`);
  const [, sign, hours, minutes] = match;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * minuteMs;
};

export const compileCalendar = (document: CalendarDocument): WorkingDayCalendar => ({
  id: document.id,
  years: { ...document.years },
  offsetMs: offsetMsOf(document.utcOffset),
  weekendDays: new Set(document.weekendDays.map((day) => weekdays.indexOf(day))),
  holidays: new Set(document.holidays.map((day) => day.date)),
  makeUpWorkingDays: new Set(document.makeUpWorkingDays.map((day) => day.date)),
});

/** The local day an instant falls on. */
const localDayOf = (calendar: WorkingDayCalendar, instant: Date): string =>
  formatDate(new Date(instant.getTime() + calendar.offsetMs));

const nextDay = (date: string): string => formatDate(new Date(parseDate(date).getTime() + dayMs));

/** 24:00 local at the end of `date`, as a UTC instant. */
const endOfLocalDay = (calendar: WorkingDayCalendar, date: string): Date =>
  new Date(parseDate(nextDay(date)).getTime() - calendar.offsetMs);

/** The end of the calendar's last covered day: 24:00 local on 31 December of its last year, as a UTC instant. */
export const coverEndsAt = (calendar: WorkingDayCalendar): Date =>
  endOfLocalDay(calendar, `${calendar.years.to}-12-31`);

/** Whether `date` (ISO, local) is a working day: a make-up day always is; a holiday or a weekly day off is not. */
export const isWorkingDay = (calendar: WorkingDayCalendar, date: string): boolean => {
  const year = Number(date.slice(0, 4));
  if (year < calendar.years.from || year > calendar.years.to) {
    throw new CalendarNotCovering(calendar.id, date, calendar.years);
  }
  if (calendar.makeUpWorkingDays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  return !calendar.weekendDays.has(parseDate(date).getUTCDay());
};

const checkCount = (workingDays: number): void => {
  if (!Number.isSafeInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`a deadline is at least 1 working day away, not ${workingDays}`);
  }
};

/**
 * The n-th working day after the instant's local day, or undefined when the walk reaches a day after the calendar's
 * last year first. A day before its first year throws CalendarNotCovering.
 */
const nthWorkingDayAfter = (calendar: WorkingDayCalendar, instant: Date, workingDays: number): string | undefined => {
  checkCount(workingDays);
  let day = localDayOf(calendar, instant);
  let counted = 0;
  while (counted < workingDays) {
    day = nextDay(day);
    if (Number(day.slice(0, 4)) > calendar.years.to) return undefined;
    if (isWorkingDay(calendar, day)) counted += 1;
  }
  return day;
};

/**
 * The deadline `workingDays` working days after `instant`: the end (24:00 local) of the n-th working day
 * after the instant's local day. Throws CalendarNotCovering when a day it must look at lies outside the
 * calendar's years, which also bounds the walk.
 */
export const addWorkingDays = (calendar: WorkingDayCalendar, instant: Date, workingDays: number): Date => {
  const day = nthWorkingDayAfter(calendar, instant, workingDays);
  if (day === undefined) throw new CalendarNotCovering(calendar.id, `${calendar.years.to + 1}-01-01`, calendar.years);
  return endOfLocalDay(calendar, day);
};

/**
 * addWorkingDays, or undefined when the deadline falls after the calendar's last year: a caller whose clock is still
 * inside the calendar knows such a deadline has not passed. A trigger before its first year still throws.
 */
export const addWorkingDaysWithinCover = (
  calendar: WorkingDayCalendar,
  instant: Date,
  workingDays: number,
): Date | undefined => {
  const day = nthWorkingDayAfter(calendar, instant, workingDays);
  return day === undefined ? undefined : endOfLocalDay(calendar, day);
};

/**
 * The deadline `days` calendar days after `instant`, under the same conventions: the end (24:00 local) of the
 * n-th day after the instant's local day, the trigger day not counted. Weekends and holidays count like any
 * day, so the calendar's years do not bound it: only its UTC offset is used.
 */
export const addDays = (calendar: WorkingDayCalendar, instant: Date, days: number): Date => {
  if (!Number.isSafeInteger(days) || days < 1) throw new RangeError(`a deadline is at least 1 day away, not ${days}`);
  const triggerDay = parseDate(localDayOf(calendar, instant));
  return endOfLocalDay(calendar, formatDate(new Date(triggerDay.getTime() + days * dayMs)));
};

/**
 * Whether `at` is at or past addWorkingDays(calendar, instant, workingDays), looking only at the days
 * before `at`'s local day. So a clock inside the calendar's years can always answer, even when the deadline
 * itself would fall in a year the calendar does not list yet (it has then not passed).
 */
export const hasDeadlinePassed = (
  calendar: WorkingDayCalendar,
  instant: Date,
  workingDays: number,
  at: Date,
): boolean => {
  checkCount(workingDays);
  const today = localDayOf(calendar, at);
  let counted = 0;
  for (let day = nextDay(localDayOf(calendar, instant)); day < today; day = nextDay(day)) {
    if (isWorkingDay(calendar, day)) counted += 1;
    if (counted === workingDays) return true;
  }
  return false;
};
