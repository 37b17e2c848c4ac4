/**
 * Calendar arithmetic on ISO dates and instants, in UTC. Pure: callers pass the instants in.
 * Where a date does not exist (31 April, 29 February in a common year) the rule that favours the subject
 * is taken and documented at each function.
 */

const daysInMonth = (year: number, monthIndex: number): number =>
  new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();

/**
 * The instant `months` calendar months after `instant`, same time of day; a day past the end of the target
 * month is clamped to its last day (31 January + 1 month = 28/29 February), so an effect never lasts longer
 * than the months it was given.
 */
export const addMonths = (instant: Date, months: number): Date => {
  const year = instant.getUTCFullYear();
  const monthIndex = instant.getUTCMonth() + months;
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(instant.getUTCDate(), daysInMonth(targetYear, targetMonth));
  return new Date(
    Date.UTC(
      targetYear,
      targetMonth,
      day,
      instant.getUTCHours(),
      instant.getUTCMinutes(),
      instant.getUTCSeconds(),
      instant.getUTCMilliseconds(),
    ),
  );
};

/** Parses `YYYY-MM-DD` as midnight UTC. */
export const parseDate = (date: string): Date => new Date(`${date}T00:00:00.000Z`);

export const formatDate = (instant: Date): string => instant.toISOString().slice(0, 10);

/**
 * The day someone born on `birthDate` turns `years` old. Born on 29 February, they come of age on
 * 1 March in a common year: the later day, so no conduct is attributed to them a day early.
 */
export const anniversary = (birthDate: string, years: number): string => {
  const candidate = parseDate(birthDate);
  // setUTCFullYear rather than Date.UTC, which reads a year below 100 as 19xx.
  candidate.setUTCFullYear(candidate.getUTCFullYear() + years);
  return formatDate(candidate);
};
