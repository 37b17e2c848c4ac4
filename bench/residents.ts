import { residentId } from '../src/cli/cityIds';

/** The subjects the bench reads and writes: the seeded residents, named as the seed names them. */
export { residentId };

export const randomResident = (residents: number): string =>
  residentId(1 + Math.floor(Math.random() * Math.max(residents, 1)));

/** A resident every seeded city has. */
export const probeSubject = residentId(1);
