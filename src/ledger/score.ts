import type { EntryPosted } from '../events/ledgerEvents';
import { bandOf, gradeRank, type Grade, type Scheme } from './scheme';

/**
 * The score and grade at an instant, with the explanation every grade carries (DESIGN §1.8): the entries
 * behind it, the binding constraint, and the points to the bands either side. Pure: the projection, the
 * as-of replay and the tests all call this one function.
 */

export type ScoredEntry = Pick<
  EntryPosted,
  | 'entryId'
  | 'ruleCode'
  | 'direction'
  | 'points'
  | 'gradeCap'
  | 'severity'
  | 'occurredAt'
  | 'effectiveUntil'
  | 'schemeVersion'
> & {
  /** When credit repair ended the entry's effect early. */
  endedAt?: string;
  /** An objection to it is pending: it still counts, but it shows as disputed everywhere. */
  disputed?: boolean;
};

/** When the score or grade will next change on its own (an entry's effect ending), and to what. */
export interface NextChange {
  at: string;
  reason: 'entryExpires' | 'repairedEntryEnds';
  entryIds: string[];
  score: number;
  grade: Grade;
}

export interface ScoreExplanation {
  /** The entries in effect at the instant, oldest conduct first. */
  entries: ScoredEntry[];
  /** `points` when the score's band sets the grade, `cap:<entryId>` when a grade cap holds it lower. */
  bindingConstraint: 'points' | `cap:${string}`;
  /** Points still needed to reach the next band up; null in the top band. */
  pointsToNextBandUp: number | null;
  /** Points that can be lost before falling to the next band down; null in the lowest band. */
  pointsToNextBandDown: number | null;
  /** Null when no coming end of an entry in effect changes the score or the grade. */
  nextChange: NextChange | null;
}

export interface ScoreAt {
  score: number;
  grade: Grade;
  schemeVersion: string;
  explanation: ScoreExplanation;
}

/** The instant the entry stops counting: the end of its period, or earlier when repaired. */
export const effectEndOf = (entry: Pick<ScoredEntry, 'effectiveUntil' | 'endedAt'>): string =>
  entry.endedAt !== undefined && entry.endedAt < entry.effectiveUntil ? entry.endedAt : entry.effectiveUntil;

type EffectDates = Pick<ScoredEntry, 'occurredAt' | 'effectiveUntil' | 'endedAt'>;

/**
 * An entry with the instants its effect starts and ends, parsed once for an answer: an answer looks at every
 * entry at several instants (now, and each coming end), and a subject replayed as of a date has hundreds.
 */
interface TimedEntry<Entry extends EffectDates = ScoredEntry> {
  entry: Entry;
  startsAtMs: number;
  /** effectEndOf(entry), as written and as an instant. */
  end: string;
  endsAtMs: number;
}

const timedOf = <Entry extends EffectDates>(entry: Entry): TimedEntry<Entry> => {
  const end = effectEndOf(entry);
  return { entry, startsAtMs: Date.parse(entry.occurredAt), end, endsAtMs: Date.parse(end) };
};

const isInEffectAt = (timedEntry: TimedEntry<EffectDates>, atMs: number): boolean =>
  timedEntry.startsAtMs <= atMs && atMs < timedEntry.endsAtMs;

export const isInEffect = (entry: EffectDates, at: Date): boolean => isInEffectAt(timedOf(entry), at.getTime());

/** Oldest conduct first; entries of the same instant by id, so that the order never depends on the input's. */
const byConductTime = (a: TimedEntry, b: TimedEntry): number =>
  a.startsAtMs - b.startsAtMs || (a.entry.entryId < b.entry.entryId ? -1 : a.entry.entryId > b.entry.entryId ? 1 : 0);

/** `baseline` is the subject's own (from its registration); the bands are those of `scheme`. */
export const scoreAt = (scheme: Scheme, baseline: number, entries: readonly ScoredEntry[], at: Date): ScoreAt => {
  const timedEntries = entries.map(timedOf);
  const current = standingAt(scheme, baseline, timedEntries, at.getTime());
  return {
    ...current,
    explanation: {
      ...current.explanation,
      nextChange: nextChangeAfter(scheme, baseline, timedEntries, at.getTime(), current),
    },
  };
};

/**
 * The next instant an entry in effect stops counting, and the score and grade from then on, as the entries in effect
 * now leave them: a replay as of a past instant knows of conduct after it, which is not a change on its own.
 */
const nextChangeAfter = (
  scheme: Scheme,
  baseline: number,
  entries: readonly TimedEntry[],
  atMs: number,
  current: Pick<ScoreAt, 'score' | 'grade'>,
): NextChange | null => {
  const inEffect = entries.filter((timedEntry) => isInEffectAt(timedEntry, atMs));
  const ends = [...new Set(inEffect.map((timedEntry) => timedEntry.end))].sort();
  for (const end of ends) {
    const then = standingAt(scheme, baseline, inEffect, Date.parse(end));
    if (then.score === current.score && then.grade === current.grade) continue;
    const ending = inEffect.filter((timedEntry) => timedEntry.end === end).map((timedEntry) => timedEntry.entry);
    return {
      at: end,
      reason: ending.every((entry) => entry.endedAt === end) ? 'repairedEntryEnds' : 'entryExpires',
      entryIds: ending.map((entry) => entry.entryId),
      score: then.score,
      grade: then.grade,
    };
  }
  return null;
};

/** The score and grade alone, without the explanation's look ahead: for answers that need only the grade. */
export const gradeAt = (scheme: Scheme, baseline: number, entries: readonly ScoredEntry[], at: Date): Grade =>
  standingAt(scheme, baseline, entries.map(timedOf), at.getTime()).grade;

const standingAt = (
  scheme: Scheme,
  baseline: number,
  entries: readonly TimedEntry[],
  atMs: number,
): Omit<ScoreAt, 'explanation'> & { explanation: Omit<ScoreExplanation, 'nextChange'> } => {
  const inEffect = entries
    .filter((timedEntry) => isInEffectAt(timedEntry, atMs))
    .sort(byConductTime)
    .map((timedEntry) => timedEntry.entry);
  const score = inEffect.reduce((sum, entry) => sum + entry.points, baseline);
  const bandIndex = scheme.gradeBands.indexOf(bandOf(scheme, score));
  const band = scheme.gradeBands[bandIndex] as Scheme['gradeBands'][number];
  const bindingCap = lowestCap(inEffect);
  const capped = bindingCap !== undefined && gradeRank(bindingCap.gradeCap as Grade) > gradeRank(band.grade);
  const bandAbove = scheme.gradeBands[bandIndex - 1];
  return {
    score,
    grade: capped ? (bindingCap.gradeCap as Grade) : band.grade,
    schemeVersion: scheme.version,
    explanation: {
      entries: inEffect.map(scoredEntryOf),
      bindingConstraint: capped ? `cap:${bindingCap.entryId}` : 'points',
      pointsToNextBandUp: bandAbove?.minScore === undefined ? null : bandAbove.minScore - score,
      pointsToNextBandDown: band.minScore === undefined ? null : score - band.minScore + 1,
    },
  };
};

/**
 * The cap with the lowest grade; among equals, the one whose effect lasts longest (repair included), since it binds
 * longest.
 */
const lowestCap = (entries: readonly ScoredEntry[]): ScoredEntry | undefined =>
  entries
    .filter((entry) => entry.gradeCap !== undefined)
    .sort(
      (a, b) =>
        gradeRank(b.gradeCap as Grade) - gradeRank(a.gradeCap as Grade) || effectEndOf(b).localeCompare(effectEndOf(a)),
    )[0];

/** Exactly the fields scoring and its explanation use (an EntryPosted has more). */
export const scoredEntryOf = (entry: ScoredEntry): ScoredEntry => ({
  ...(entry.disputed ? { disputed: true } : {}),
  ...(entry.endedAt ? { endedAt: entry.endedAt } : {}),
  entryId: entry.entryId,
  ruleCode: entry.ruleCode,
  direction: entry.direction,
  points: entry.points,
  ...(entry.gradeCap ? { gradeCap: entry.gradeCap } : {}),
  severity: entry.severity,
  occurredAt: entry.occurredAt,
  effectiveUntil: entry.effectiveUntil,
  schemeVersion: entry.schemeVersion,
});
