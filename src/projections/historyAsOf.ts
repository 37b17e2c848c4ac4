import type { RecordedEvent } from '../events/eventStore';
import { eventsOfView, type ReplayView } from '../ledger/replay';
import { historyOf, type HistoryItem } from './history';

/** Bound on one replayed history: a subject's stream is read whole, so it must stay within this. */
export const replayedHistoryItemsMax = 10_000;

/**
 * A subject's history as of an instant, folded from its stream with the same fold as the live history, so the
 * two can never disagree. `known`: the items recorded by then; `corrected`: every item about conduct up to then,
 * the corrections recorded since included.
 */
export const historyAsOf = (
  events: readonly RecordedEvent[],
  subjectId: string,
  view: ReplayView,
  at: Date,
): HistoryItem[] => {
  const items = historyOf(eventsOfView(events, view, at), subjectId).slice(0, replayedHistoryItemsMax);
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
};
