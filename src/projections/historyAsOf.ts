import { openLedgerDatabase } from '../events/adapters/sqliteDatabase';
import type { RecordedEvent } from '../events/eventStore';
import { eventsOfView, type ReplayView } from '../ledger/replay';
import { createHistoryProjection, type HistoryItem } from './historyProjection';

/** Bound on one replayed history: a subject's stream is read whole, so it must stay within this. */
export const replayedHistoryItemsMax = 10_000;

/**
 * A subject's history as of an instant, folded from its stream with the same fold as the live history
 * (on a throw-away in-memory table), so the replay and the projection can never disagree.
 * `known`: the items recorded by then; `corrected`: every item about conduct up to then, the corrections
 * recorded since included.
 */
export const historyAsOf = (
  events: readonly RecordedEvent[],
  subjectId: string,
  view: ReplayView,
  at: Date,
): HistoryItem[] => {
  const db = openLedgerDatabase(':memory:');
  try {
    const history = createHistoryProjection(db);
    for (const event of eventsOfView(events, view, at)) history.apply(event);
    const { items } = history.page(subjectId, { limit: replayedHistoryItemsMax });
    if (view === 'known') return items;
    const conductByThen = new Set(
      items
        .filter(
          (item) => (item.type === 'EntryPosted' || item.type === 'EntryProposed') && new Date(item.occurredAt) <= at,
        )
        .map((item) => item.entryId),
    );
    return items.filter((item) =>
      item.entryId === undefined ? new Date(item.recordedAt) <= at : conductByThen.has(item.entryId),
    );
  } finally {
    db.close();
  }
};
