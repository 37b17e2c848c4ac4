import type { RecordedEvent } from '../events/eventStore';
import { isLedgerEvent } from '../events/ledgerEvents';
import { scoredEntryOf, type ScoredEntry } from './score';

/**
 * A subject's record as of an instant T, folded from its stream in the store (not from projections), in
 * the two senses an auditor asks about (DESIGN §2):
 * - `known`: only what had been recorded by T — what the ledger showed at T;
 * - `corrected`: everything recorded up to now, read as valid at T — what it should have shown at T,
 *   given the corrections made since (reversals remove an entry entirely, as if never posted).
 */

export type ReplayView = 'known' | 'corrected';

export interface SubjectAsOf {
  baseline: number;
  /** The entries that can count at T under the view (whether each is in effect at T is scoreAt's to say). */
  entries: ScoredEntry[];
}

/** The events of the view: all of them, or those recorded by `at`. Events come in stream order. */
export const eventsOfView = <E extends RecordedEvent>(events: readonly E[], view: ReplayView, at: Date): E[] =>
  view === 'corrected' ? [...events] : events.filter((event) => event.recordedAt <= at);

/** Undefined when the subject was not registered in the view. */
export const subjectAsOf = (events: readonly RecordedEvent[], view: ReplayView, at: Date): SubjectAsOf | undefined => {
  let baseline: number | undefined;
  const counting = new Map<string, ScoredEntry>();
  const removed = new Map<string, ScoredEntry>();
  for (const event of eventsOfView(events, view, at)) {
    if (!isLedgerEvent(event)) continue;
    switch (event.type) {
      case 'SubjectRegistered':
        baseline = event.data.baseline;
        break;
      case 'EntryPosted':
        counting.set(event.data.entryId, scoredEntryOf(event.data));
        break;
      case 'EntryReversed': {
        const entry = counting.get(event.data.entryId);
        if (entry) removed.set(event.data.entryId, entry);
        counting.delete(event.data.entryId);
        break;
      }
      case 'EntryReinstated': {
        const entry = removed.get(event.data.entryId);
        if (entry) counting.set(event.data.entryId, entry);
        removed.delete(event.data.entryId);
        break;
      }
      case 'CreditRepairGranted': {
        const entry = counting.get(event.data.entryId);
        if (entry) counting.set(event.data.entryId, { ...entry, endedAt: event.recordedAt.toISOString() });
        break;
      }
      default:
        break;
    }
  }
  return baseline === undefined ? undefined : { baseline, entries: [...counting.values()] };
};
