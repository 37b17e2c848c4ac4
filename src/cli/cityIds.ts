/**
 * The ids a seeded city gives its subjects: residents r-000001 … and organisations o-00001 …. A module of its own,
 * importing nothing, so that the bench's load generator names the same subjects without loading the ledger.
 */
export const residentId = (number: number): string => `r-${String(number).padStart(6, '0')}`;
export const organisationId = (number: number): string => `o-${String(number).padStart(5, '0')}`;
