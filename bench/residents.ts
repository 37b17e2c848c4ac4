/** Seeded residents are r-000001 … r-<residents> (src/cli/subjectPlan.ts): the subjects the bench reads and writes. */

export const residentId = (number: number): string => `r-${String(number).padStart(6, '0')}`;

export const randomResident = (residents: number): string =>
  residentId(1 + Math.floor(Math.random() * Math.max(residents, 1)));
