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
    const due = scores.dueExpiries(now, limit);
    for (const { subjectId, entryId } of due) {
      await ledger.expireEntry(
        { subjectId, entryId },
        { idempotencyKey: `system:expire:${entryId}`, actorId: 'system' },
      );
    }
    return due.length;
  };
