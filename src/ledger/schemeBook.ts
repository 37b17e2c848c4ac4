import type { Scheme } from './scheme';
import { parseDate } from './calendar';

/**
 * The published versions of one scheme, oldest first. An entry is judged under the version in force when
 * its conduct occurred; reads use the version in force now.
 */
export interface SchemeBook {
  readonly versions: readonly Scheme[];
  /** The version whose period contains `instant`, or undefined before the first version. */
  inForceAt(instant: Date): Scheme | undefined;
  /** The version in force at `instant`, or the first one when `instant` precedes them all. */
  forReading(instant: Date): Scheme;
  /** The version of this name, as an entry, a listing or an objection records the one it was judged under. */
  version(version: string): Scheme | undefined;
}

export const createSchemeBook = (versions: readonly Scheme[]): SchemeBook => {
  if (versions.length === 0) throw new Error('a scheme book needs at least one published version');
  const sorted = [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const inForceAt = (instant: Date): Scheme | undefined =>
    sorted.filter((scheme) => parseDate(scheme.effectiveFrom) <= instant).at(-1);
  const byVersion = new Map(sorted.map((scheme) => [scheme.version, scheme]));
  return {
    versions: sorted,
    inForceAt,
    forReading: (instant) => inForceAt(instant) ?? (sorted[0] as Scheme),
    version: (version) => byVersion.get(version),
  };
};
