import type { DueCursor, ObjectionsReadModel } from '../projections/objectionsProjection';
import { LedgerRuleViolation } from './errors';
import type { AutoReversal, Objections } from './objections';
import type { Sweep } from './scheduler';

/**
 * The deadline sweeper (DESIGN.md §1 item 3): an objection, or a reconsideration, not decided in time reverses
 * its entry automatically. The scheduler runs `reverseMissedDeadlines(now)` on every tick; after downtime the
 * first run catches up on the deadlines missed meanwhile, earliest first.
 *
 * It reads the overdue objections from the objections projection in bounded batches, walking a cursor in
 * deadline order rather than waiting for the projection to reflect its own writes. Each reversal is keyed by
 * the objection id, so running it twice, or over a projection that lags, writes nothing new: an objection
 * decided or reversed since the projection last saw it is refused by its decider and passed over.
 */

/** Overdue objections read per batch. */
export const sweepBatchSizeMax = 100;

/** Overdue objections one run looks at, unless told fewer: a longer backlog is left to the next run. */
export const sweepItemsPerRunMax = 10_000;

/**
 * A deadline is swept only this long after it passed. The decider refuses decisions from the deadline's instant
 * on, but a decision judged just before it may still be carrying out its effect on the entry; the sweeper
 * leaves it that time to finish, so that the entry is not both decided and reversed for the deadline.
 */
export const decisionInFlightGraceMs = 60_000;

export interface ObjectionDeadlines {
  /** Reverses the entries of at most `limit` overdue objections; returns the reversals made now, in deadline order. */
  reverseMissedDeadlines(now: Date, limit?: number): Promise<AutoReversal[]>;
}

export interface ObjectionDeadlinesOptions {
  objections: Pick<Objections, 'reverseMissedDeadline'>;
  objectionsView: Pick<ObjectionsReadModel, 'dueForAutoReversal'>;
}

/** Refusals that only mean the projection had not yet seen the objection's latest event. */
const staleReadCodes: readonly string[] = ['objection-not-awaiting-decision', 'deadline-not-passed'];

const isStaleRead = (error: unknown): boolean =>
  error instanceof LedgerRuleViolation && staleReadCodes.includes(error.code);

export const createObjectionDeadlines = ({
  objections,
  objectionsView,
}: ObjectionDeadlinesOptions): ObjectionDeadlines => ({
  async reverseMissedDeadlines(now, limit = sweepItemsPerRunMax) {
    const sweptUntil = new Date(now.getTime() - decisionInFlightGraceMs);
    const reversed: AutoReversal[] = [];
    let after: DueCursor | undefined;
    for (let examined = 0; examined < limit;) {
      const batch = objectionsView.dueForAutoReversal(sweptUntil, Math.min(sweepBatchSizeMax, limit - examined), after);
      for (const due of batch) {
        try {
          const reversal = await objections.reverseMissedDeadline(due.objectionId, now);
          if (!reversal.replayed) reversed.push(reversal);
        } catch (error) {
          if (!isStaleRead(error)) throw error;
        }
      }
      examined += batch.length;
      if (batch.length < sweepBatchSizeMax) break;
      after = batch.at(-1);
    }
    return reversed;
  },
});

/** The sweeper as one of the scheduler's sweeps: it counts the reversals it made. */
export const missedObjectionDeadlines =
  (deadlines: ObjectionDeadlines): Sweep =>
  async (now, limit) =>
    (await deadlines.reverseMissedDeadlines(now, limit)).length;
