import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalendarInvalidError, defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';

const folder = mkdtempSync(join(tmpdir(), 'calendar-loader-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The China calendar with one change, written to a file of its own. */
const chinaWith = (name: string, change: (document: Record<string, any>) => void): string => {
  const document = JSON.parse(readFileSync(defaultCalendarPath(), 'utf8'));
  change(document);
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify(document));
  return file;
};

const refusalOf = (file: string): string => {
  try {
    loadCalendar(file);
  } catch (error) {
    if (error instanceof CalendarInvalidError) return error.message;
    throw error;
  }
  throw new Error(`${file} was accepted`);
};

test('the China calendar loads, covering 2024 to at least 2026 at UTC+08:00', () => {
  const china = loadCalendar(defaultCalendarPath());
  expect(china.years.from).toBe(2024);
  expect(china.years.to).toBeGreaterThanOrEqual(2026);
  expect(china.offsetMs).toBe(8 * 3_600_000);
});

test('the China calendar lists 28, 28 and 33 days off and 8, 5 and 6 make-up days for 2024, 2025 and 2026', () => {
  const document = JSON.parse(readFileSync(defaultCalendarPath(), 'utf8'));
  const countByYear = (days: { date: string }[]) =>
    [2024, 2025, 2026].map((year) => days.filter((day) => day.date.startsWith(`${year}-`)).length);
  expect(countByYear(document.holidays)).toEqual([28, 28, 33]);
  expect(countByYear(document.makeUpWorkingDays)).toEqual([8, 5, 6]);
});

test('refuses a calendar without a source', () => {
  const file = chinaWith('no-source.json', (document) => delete document.source);
  expect(refusalOf(file)).toMatch(/\/source: is required/);
});

test('refuses a day outside the years the calendar covers', () => {
  // The year after the calendar's last, whichever year that is.
  const { to } = loadCalendar(defaultCalendarPath()).years;
  const file = chinaWith('outside.json', (document) => document.holidays.push({ date: `${to + 1}-01-01`, name: 'x' }));
  expect(refusalOf(file)).toMatch(new RegExp(`${to + 1}-01-01 is outside the years 2024–${to}`));
});

test('refuses a day that is both a holiday and a make-up working day', () => {
  const file = chinaWith('both.json', (document) =>
    document.makeUpWorkingDays.push({ date: '2026-02-15', name: 'Spring Festival' }),
  );
  expect(refusalOf(file)).toMatch(/2026-02-15 is listed twice/);
});

test('refuses a make-up working day that is already a working day', () => {
  const file = chinaWith('weekday.json', (document) =>
    document.makeUpWorkingDays.push({ date: '2026-11-26', name: 'nothing' }),
  );
  expect(refusalOf(file)).toMatch(/2026-11-26 is a thursday, already a working day/);
});
