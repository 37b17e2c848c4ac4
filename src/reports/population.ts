import { START, comparePositions, readAllMaxCount, type EventStore, type Position } from '../events/eventStore';
import {
  isLedgerEvent,
  subjectStreamPrefix,
  type EntryPosted,
  type RecordedLedgerEvent,
  type ReversalReason,
} from '../events/ledgerEvents';
import type { ScoredEntry } from '../ledger/score';

/**
 * The population: every subject with what scoring and the fairness report need of it, folded from one pass
 * over the subject streams of the log. The reports (whatIf.ts, fairness.ts) are pure functions of it.
 *
 * Memory. Only posted entries are kept, each with the fields below and nothing else: no evidence, narrative,
 * notices, objections, proposals or statements. Repeated short values (rule codes, recorders, authorities,
 * scheme versions, severities, directions) are shared rather than held once per entry. Measured on Node 20
 * (x64) over a SQLite log of 100,000 residents with two tickets each: 79 MB, about 790 bytes a subject (some
 * 160 for the subject and 310 for each posted entry), read in 6 s. The 740,000 residents of Rongcheng with
 * two posted entries each would take about 580 MB and 45 s. A subject's entries are bounded by its stream,
 * which the deciders already read whole (at most readStreamMaxCount events); each read by the page size.
 */

/** A posted entry: the fields scoring needs, who recorded it, and whether a reversal or repair ended it. */
export type PopulationEntry = Omit<ScoredEntry, 'disputed'> &
  Pick<EntryPosted, 'recordedBy' | 'authority'> & {
    /** Why the entry was reversed, while the reversal stands: a reinstatement clears it. */
    reversal?: ReversalReason;
  };

export interface PopulationSubject {
  subjectId: string;
  /** The subject's own baseline, from its registration. */
  baseline: number;
  entries: PopulationEntry[];
}

export interface Population {
  /** In registration order. */
  subjects: ReadonlyMap<string, PopulationSubject>;
  /** The log was read up to and including this position. */
  position: Position;
}

/** Fresh strings for repeated values would cost a copy per entry; this keeps one of each. */
type Interner = (value: string) => string;

const createInterner = (): Interner => {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
};

const compactEntry = (data: EntryPosted, intern: Interner): PopulationEntry => ({
  entryId: data.entryId,
  ruleCode: intern(data.ruleCode),
  direction: intern(data.direction) as EntryPosted['direction'],
  points: data.points,
  ...(data.gradeCap ? { gradeCap: data.gradeCap } : {}),
  severity: intern(data.severity) as EntryPosted['severity'],
  occurredAt: data.occurredAt,
  effectiveUntil: data.effectiveUntil,
  schemeVersion: intern(data.schemeVersion),
  recordedBy: intern(data.recordedBy),
  authority: intern(data.authority),
});

/**
 * Folds events into the population, in log order. The map is the fold's own accumulator, mutated in place
 * because copying 740,000 subjects per event is out of the question; nothing outside sees it change.
 */
const createPopulationFold = () => {
  const subjects = new Map<string, PopulationSubject>();
  const intern = createInterner();

  const entryOf = (subjectId: string, entryId: string): PopulationEntry => {
    const entry = subjects.get(subjectId)?.entries.find((candidate) => candidate.entryId === entryId);
    if (!entry) throw new Error(`subject ${subjectId}'s stream changes entry ${entryId}, which was never posted`);
    return entry;
  };

  const apply = (event: RecordedLedgerEvent): void => {
    switch (event.type) {
      case 'SubjectRegistered':
        subjects.set(event.data.subjectId, {
          subjectId: event.data.subjectId,
          baseline: event.data.baseline,
          entries: [],
        });
        return;
      case 'EntryPosted': {
        // A proposal counts only from its EntryPosted, which carries the whole entry: proposals are not kept.
        const subject = subjects.get(event.data.subjectId);
        if (!subject) throw new Error(`entry ${event.data.entryId} is posted to unregistered ${event.data.subjectId}`);
        subject.entries.push(compactEntry(event.data, intern));
        return;
      }
      case 'EntryReversed':
        entryOf(event.data.subjectId, event.data.entryId).reversal = event.data.reason;
        return;
      case 'EntryReinstated':
        delete entryOf(event.data.subjectId, event.data.entryId).reversal;
        return;
      case 'CreditRepairGranted':
        // Repair ends the effect when it is granted: the same instant the score projection takes.
        entryOf(event.data.subjectId, event.data.entryId).endedAt = event.recordedAt.toISOString();
        return;
      default:
        // Expiry needs no event here (effectiveUntil says when, and a what-if moves it); approvals, notices,
        // statements and refused repairs change nothing a report counts.
        return;
    }
  };

  return { apply, subjects };
};

export interface ReadPopulationOptions {
  /** Events per read: at most readAllMaxCount, which bounds what is held besides the population itself. */
  pageSize?: number;
}

/**
 * Reads the subject streams once, page by page, up to the head of the log when the read began (appends made
 * meanwhile are left for the next report, so the read ends), and folds them. Reads only.
 */
export const readPopulation = async (
  store: EventStore,
  { pageSize = readAllMaxCount }: ReadPopulationOptions = {},
): Promise<Population> => {
  const head = await store.headPosition();
  const fold = createPopulationFold();
  const filter = { streamPrefixes: [subjectStreamPrefix] };
  let after = START;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, filter });
    for (const event of page) {
      if (comparePositions(event.position, head) > 0) return { subjects: fold.subjects, position: head };
      if (isLedgerEvent(event)) fold.apply(event);
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return { subjects: fold.subjects, position: head };
    after = last.position;
  }
};
