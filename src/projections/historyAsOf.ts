import type { RecordedEvent } from '../events/eventStore';
import { isLedgerEvent } from '../events/ledgerEvents';
import { eventsOfView, type ReplayView } from '../ledger/replay';
import { historyOf, type HistoryItem } from './history';

/**
 * A subject's history as of an instant, folded from its stream with the same fold as the live history, so the
 * two can never disagree. `known`: the items recorded by then, as the ledger showed them. `corrected`: the record as
 * valid then, with every correction made since: the items about conduct up to then (its corrections recorded later
 * included, but not an expiry or a repair that came after it, which ended nothing by then) and the others recorded
 * by then, each balance counting the entries in effect at that instant, so that the last is the corrected score's.
 */
export const historyAsOf = (
  events: readonly RecordedEvent[],
  subjectId: string,
  view: ReplayView,
  at: Date,
): HistoryItem[] => {
  if (view === 'known') return historyOf(eventsOfView(events, view, at), subjectId);
  const ledgerEvents = events.filter(isLedgerEvent);
  const conductByThen = new Set(
    ledgerEvents.flatMap((event) =>
      (event.type === 'EntryPosted' || event.type === 'EntryProposed') && new Date(event.data.occurredAt) <= at
        ? [event.data.entryId]
        : [],
    ),
  );
  const validThen = ledgerEvents.filter((event) => {
    const entryId = 'entryId' in event.data ? event.data.entryId : undefined;
    if (entryId === undefined) return event.recordedAt <= at;
    if (!conductByThen.has(entryId)) return false;
    if (event.type === 'EntryExpired') return new Date(event.data.expiredAt) <= at;
    if (event.type === 'CreditRepairGranted') return event.recordedAt <= at;
    return true;
  });
  return historyOf(validThen, subjectId, at);
};
