import { Gauge, type Registry } from 'prom-client';
import { coverEndsAt, type WorkingDayCalendar } from './workingDays';

/**
 * How long the working-day calendar still answers. Past its last year every deadline is refused (503
 * calendar-not-covering) until the operator adds the next year from the State Council's notice, which is published
 * each autumn; deadlines run up to a few weeks ahead, so refusals begin weeks before the year ends. The ledger says
 * so early: in /healthz, in a metric to alert on, and in a warning when it starts.
 */

/** Fewer days of cover than this, and the ledger warns. */
export const calendarWarningDays = 90;

export const calendarCoverDaysMetric = 'ledger_calendar_cover_days_left';

export interface CalendarCoverage {
  calendarId: string;
  /** The end of the calendar's last day (24:00 local on 31 December of its last year). */
  coversUntil: string;
  /** Whole days from now to coversUntil; negative once it has passed. */
  daysLeft: number;
  /** What the operator must do, once fewer than calendarWarningDays are left. */
  warning?: string;
}

const dayMs = 24 * 60 * 60 * 1000;

export const calendarCoverage = (calendar: WorkingDayCalendar, now: Date): CalendarCoverage => {
  const endsAt = coverEndsAt(calendar);
  const daysLeft = Math.floor((endsAt.getTime() - now.getTime()) / dayMs);
  return {
    calendarId: calendar.id,
    coversUntil: endsAt.toISOString(),
    daysLeft,
    ...(daysLeft < calendarWarningDays
      ? {
          warning:
            `the working-day calendar ${calendar.id} ends with ${calendar.years.to}: deadlines after it are refused ` +
            `(503 calendar-not-covering) until ${calendar.years.to + 1} is added from the State Council notice`,
        }
      : {}),
  };
};

export const registerCalendarMetrics = (registry: Registry, calendar: WorkingDayCalendar, clock: () => Date): Gauge =>
  new Gauge({
    name: calendarCoverDaysMetric,
    help: 'Days until the working-day calendar ends; deadlines past it are refused until its next year is added',
    registers: [registry],
    collect() {
      this.set(calendarCoverage(calendar, clock()).daysLeft);
    },
  });
