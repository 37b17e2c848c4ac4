import type { EntryPosted, LedgerEvent } from '../events/ledgerEvents';

/**
 * A subject's stream folded: its registration and every entry with where it stands in due process.
 * Pure: `evolveSubject` folds one event; events of other streams never appear here and are ignored.
 */

export type EntryStatus = 'pending' | 'posted' | 'rejected' | 'reversed' | 'expired' | 'repaired';

export interface EntryRecord extends EntryPosted {
  status: EntryStatus;
  /** An objection to it was decided against the subject, who may then add a statement of dispute. */
  upheld: boolean;
  statementOfDispute?: string;
  /** Every evidence hash the entry has carried: a reinstatement must bring new evidence. */
  evidenceSeen: string[];
  repair?: { repairId: string; status: 'requested' | 'granted' | 'refused' };
}

export interface SubjectState {
  registered: boolean;
  kind?: 'person' | 'organization';
  adultFrom?: string;
  baseline?: number;
  entries: Record<string, EntryRecord>;
}

export const initialSubjectState = (): SubjectState => ({ registered: false, entries: {} });

const withEntry = (
  state: SubjectState,
  entryId: string,
  change: (entry: EntryRecord) => Partial<EntryRecord>,
): SubjectState => {
  const entry = state.entries[entryId];
  if (!entry) throw new Error(`a subject's stream changes entry ${entryId}, which it never recorded`);
  return { ...state, entries: { ...state.entries, [entryId]: { ...entry, ...change(entry) } } };
};

const newEntry = (state: SubjectState, data: EntryPosted, status: EntryStatus): SubjectState => ({
  ...state,
  entries: {
    ...state.entries,
    [data.entryId]: { ...data, status, upheld: false, evidenceSeen: data.evidence.map((item) => item.sha256) },
  },
});

export const evolveSubject = (state: SubjectState, event: LedgerEvent): SubjectState => {
  switch (event.type) {
    case 'SubjectRegistered':
      return {
        ...state,
        registered: true,
        kind: event.data.kind,
        adultFrom: event.data.adultFrom,
        baseline: event.data.baseline,
      };
    case 'EntryProposed':
      return newEntry(state, event.data, 'pending');
    case 'EntryPosted':
      return state.entries[event.data.entryId]
        ? withEntry(state, event.data.entryId, () => ({ ...event.data, status: 'posted' }))
        : newEntry(state, event.data, 'posted');
    case 'EntryRejected':
      return withEntry(state, event.data.entryId, () => ({ status: 'rejected' }));
    case 'EntryReversed':
      return withEntry(state, event.data.entryId, () => ({ status: 'reversed', upheld: false }));
    case 'EntryUpheld':
      return withEntry(state, event.data.entryId, () => ({ upheld: true }));
    case 'EntryReinstated':
      return withEntry(state, event.data.entryId, (entry) => ({
        status: 'posted',
        evidence: event.data.evidence,
        evidenceSeen: [...entry.evidenceSeen, ...event.data.evidence.map((item) => item.sha256)],
      }));
    case 'StatementOfDisputeAdded':
      return withEntry(state, event.data.entryId, () => ({ statementOfDispute: event.data.text }));
    case 'EntryExpired':
      return withEntry(state, event.data.entryId, () => ({ status: 'expired' }));
    case 'CreditRepairRequested':
      return withEntry(state, event.data.entryId, () => ({
        repair: { repairId: event.data.repairId, status: 'requested' },
      }));
    case 'CreditRepairGranted':
      return withEntry(state, event.data.entryId, () => ({
        status: 'repaired',
        repair: { repairId: event.data.repairId, status: 'granted' },
      }));
    case 'CreditRepairRefused':
      return withEntry(state, event.data.entryId, () => ({
        repair: { repairId: event.data.repairId, status: 'refused' },
      }));
    default:
      // Approvals and notices change nothing a decision needs beyond the events above; other streams'
      // events (schemes, listings, access records, objections) never appear on a subject's stream.
      return state;
  }
};

export const entriesOf = (state: SubjectState): EntryRecord[] => Object.values(state.entries);

/** The entry's own fields, without where it stands in due process. */
export const entryPostedOf = (record: EntryRecord): EntryPosted => {
  const {
    status: _status,
    upheld: _upheld,
    statementOfDispute: _statement,
    evidenceSeen: _seen,
    repair: _repair,
    ...entry
  } = record;
  return entry;
};
