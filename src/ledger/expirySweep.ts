import type { ScoreReadModel } from '../projections/scoreProjection';
import type { Ledger } from './ledger';
import type { Sweep } from './scheduler';

/**
 * Records the expiry of every entry whose effect period has ended (reads never wait for it: the score
 * already leaves an ended entry out; the event makes the end visible in the history).
 */
export const expireDueEntries =
  (ledger: Ledger, scores: Pick<ScoreReadModel, 'dueExpiries'>): Sweep =>
  async (now, limit) => {
    let written = 0;
    for (const { subjectId, entryId } of scores.dueExpiries(now, limit)) {
      const outcome = await ledger.expireEntry(
        { subjectId, entryId },
        { idempotencyKey: `system:expire:${entryId}`, actorId: 'system' },
      );
      // Already written but not yet seen by the projection: a replay, not counted, so a tick cannot loop on it.
      if (!outcome.replayed) written += 1;
    }
    return written;
  };
