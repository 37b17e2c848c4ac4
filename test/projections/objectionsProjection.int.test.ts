import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { positionFromNumber, type RecordedEvent } from '../../src/events/eventStore';
import { objectionStream, type LedgerEvent } from '../../src/events/ledgerEvents';
import type { ObjectionFiled } from '../../src/events/objectionEvents';
import { createObjectionsProjection } from '../../src/projections/objectionsProjection';
import { evidenceOf } from '../support/ledgerService';

const idOf = (n: number) => `01890000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const entryOf = (n: number) => `01890000-0000-7000-9000-${String(n).padStart(12, '0')}`;

const setUp = () => {
  const db = openLedgerDatabase(':memory:');
  const objections = createObjectionsProjection(db);
  let position = 0;
  /** Applies the events in order, each at the next position; returns them as recorded. */
  const apply = (...events: LedgerEvent[]): RecordedEvent[] =>
    events.map((event) => {
      position += 1;
      const recorded = {
        ...event,
        id: `00000000-0000-7000-8000-${String(position).padStart(12, '0')}`,
        metadata: { schemaVersion: 1 },
        streamName: objectionStream((event.data as { objectionId: string }).objectionId),
        revision: 0n,
        position: positionFromNumber(position),
        recordedAt: new Date('2026-11-26T02:00:00Z'),
      } as RecordedEvent;
      objections.apply(recorded);
      return recorded;
    });
  const dump = () => db.prepare('SELECT * FROM objections ORDER BY objection_id').all();
  return { objections, apply, dump };
};

/** Objection n, by subject `li` unless said, filed 26 November with the decision due `decisionDueBy`. */
const filing = (n: number, overrides: Partial<ObjectionFiled> = {}): LedgerEvent => ({
  type: 'ObjectionFiled',
  data: {
    objectionId: idOf(n),
    subjectId: 'li',
    entryId: entryOf(n),
    grounds: 'Not me.',
    evidence: [],
    filedBy: 'resident-li',
    filedAt: '2026-11-26T02:00:00.000Z',
    recorderId: 'officer-zhang',
    schemeVersion: 'rongcheng-2021.1',
    evidenceDueBy: '2026-12-03T16:00:00.000Z',
    decisionDueBy: '2026-12-26T16:00:00.000Z',
    ...overrides,
  },
});
const decided = (n: number, decidedBy = 'appeal-officer-wu'): LedgerEvent => ({
  type: 'ObjectionDecided',
  data: {
    objectionId: idOf(n),
    outcome: 'upheld',
    reasons: 'Confirmed.',
    decidedBy,
    decidedAt: '2026-12-10T02:00:00.000Z',
    reconsiderationDueBy: '2026-12-24T16:00:00.000Z',
  },
});
const reconsiderationRequested = (n: number): LedgerEvent => ({
  type: 'ReconsiderationRequested',
  data: {
    objectionId: idOf(n),
    grounds: 'Look again.',
    by: 'resident-li',
    requestedAt: '2026-12-15T02:00:00.000Z',
    decisionDueBy: '2026-12-30T16:00:00.000Z',
  },
});

const beforeEvidenceDue = new Date('2026-12-01T02:00:00Z');
const afterEvidenceDue = new Date('2026-12-04T02:00:00Z');

describe('the objections projection', () => {
  it('shows a filed objection as pending and unassigned, with its deadline clocks', () => {
    const { objections, apply } = setUp();
    apply(filing(1));
    expect(objections.queue({ at: beforeEvidenceDue, limit: 10 })).toEqual({
      items: [
        {
          objectionId: idOf(1),
          subjectId: 'li',
          entryId: entryOf(1),
          status: 'pending',
          filedAt: '2026-11-26T02:00:00.000Z',
          evidenceDueBy: '2026-12-03T16:00:00.000Z',
          decisionDueBy: '2026-12-26T16:00:00.000Z',
          evidenceOverdue: false,
          decisionOverdue: false,
        },
      ],
      next: null,
    });
  });

  it("flags the recorder's evidence overdue once it was due and nothing came", () => {
    const { objections, apply } = setUp();
    apply(filing(1), filing(2));
    apply({
      type: 'RecorderEvidenceSubmitted',
      data: { objectionId: idOf(2), evidence: [evidenceOf('courtJudgment', 'J-1')], by: 'officer-zhang' },
    });
    const flags = objections
      .queue({ at: afterEvidenceDue, limit: 10 })
      .items.map((item) => [item.objectionId, item.evidenceOverdue]);
    expect(flags).toEqual([
      [idOf(1), true],
      [idOf(2), false],
    ]);
  });

  it('flags the decision overdue from its deadline on', () => {
    const { objections, apply } = setUp();
    apply(filing(1));
    const overdueAt = (at: string) => objections.queue({ at: new Date(at), limit: 1 }).items[0]?.decisionOverdue;
    expect(overdueAt('2026-12-26T15:59:59.999Z')).toBe(false);
    expect(overdueAt('2026-12-26T16:00:00.000Z')).toBe(true);
  });

  it('moves the decision deadline on extension and assigns the extending officer', () => {
    const { objections, apply } = setUp();
    apply(filing(1), {
      type: 'ObjectionDeadlineExtended',
      data: { objectionId: idOf(1), newDecisionDueBy: '2027-01-10T16:00:00.000Z', by: 'appeal-officer-wu' },
    });
    expect(objections.objection(idOf(1))).toMatchObject({
      decisionDueBy: '2027-01-10T16:00:00.000Z',
      extendedBy: 'appeal-officer-wu',
      assignee: 'appeal-officer-wu',
    });
  });

  it('lists as disputed the entries whose objection or reconsideration awaits a decision', () => {
    const { objections, apply } = setUp();
    apply(filing(1), filing(2), filing(3), filing(4, { subjectId: 'wang' }));
    apply(decided(2), decided(3), reconsiderationRequested(3));
    expect(objections.openEntryIds('li')).toEqual([entryOf(1), entryOf(3)]);
    expect(objections.openEntryIds('wang')).toEqual([entryOf(4)]);
  });

  it('lists as disputed, while a reconsideration awaits, the entry an amending decision put in the original’s place', () => {
    const { objections, apply } = setUp();
    const amended = decided(1);
    apply(filing(1), {
      ...amended,
      data: { ...amended.data, outcome: 'amended', amendedEntryId: entryOf(9) },
    } as LedgerEvent);
    apply(reconsiderationRequested(1));
    expect(objections.openEntryIds('li')).toEqual([entryOf(9)]);
  });

  it.each([
    ['before the filing', '2026-11-25T00:00:00Z', false],
    ['while the decision is awaited', '2026-12-01T00:00:00Z', true],
    ['once decided, before reconsideration is asked', '2026-12-12T00:00:00Z', false],
    ['while the reconsideration is awaited', '2026-12-20T00:00:00Z', true],
  ])(
    'lists as disputed at a past instant the entries whose objection awaited a decision then: %s',
    (_when, at, disputed) => {
      const { objections, apply } = setUp();
      apply(filing(1), decided(1), reconsiderationRequested(1));
      expect(objections.openEntryIds('li', new Date(at))).toEqual(disputed ? [entryOf(1)] : []);
    },
  );

  it('keeps a decision, its officer as assignee and the window to ask for reconsideration', () => {
    const { objections, apply } = setUp();
    apply(filing(1), decided(1));
    expect(objections.queue({ at: beforeEvidenceDue, limit: 1 }).items[0]).toMatchObject({
      status: 'decided',
      assignee: 'appeal-officer-wu',
      reconsiderationDueBy: '2026-12-24T16:00:00.000Z',
      decisionOverdue: false,
    });
  });

  it('leaves a requested reconsideration unassigned, for a senior officer other than the first', () => {
    const { objections, apply } = setUp();
    apply(filing(1), decided(1), reconsiderationRequested(1));
    const record = objections.objection(idOf(1));
    expect(record?.status).toBe('reconsidering');
    expect(record?.assignee).toBeUndefined();
    expect(record?.reconsideration?.decisionDueBy).toBe('2026-12-30T16:00:00.000Z');
  });

  it('closes an objection reversed for its missed deadline', () => {
    const { objections, apply } = setUp();
    apply(filing(1), {
      type: 'ObjectionAutoReversed',
      data: {
        objectionId: idOf(1),
        reason: 'deadlineMissed',
        dueBy: '2026-12-26T16:00:00.000Z',
        at: '2026-12-27T02:00:00.000Z',
      },
    });
    expect(objections.objection(idOf(1))).toMatchObject({
      status: 'autoReversed',
      autoReversal: { stage: 'objection', dueBy: '2026-12-26T16:00:00.000Z', at: '2026-12-27T02:00:00.000Z' },
    });
    expect(objections.openEntryIds('li')).toEqual([]);
  });

  it('filters the queue by status, assignee and decision due before an instant, and pages it', () => {
    const { objections, apply } = setUp();
    apply(filing(1), filing(2, { decisionDueBy: '2026-12-20T16:00:00.000Z' }), filing(3), filing(4));
    apply(decided(3, 'appeal-officer-sun'), decided(4));
    const ids = (page: { items: { objectionId: string }[] }) => page.items.map((item) => item.objectionId);
    const at = beforeEvidenceDue;
    expect(ids(objections.queue({ at, status: 'pending', limit: 10 }))).toEqual([idOf(1), idOf(2)]);
    expect(ids(objections.queue({ at, assignee: 'appeal-officer-sun', limit: 10 }))).toEqual([idOf(3)]);
    expect(ids(objections.queue({ at, dueBefore: new Date('2026-12-21T00:00:00Z'), limit: 10 }))).toEqual([idOf(2)]);
    const first = objections.queue({ at, limit: 3 });
    expect(ids(first)).toEqual([idOf(1), idOf(2), idOf(3)]);
    expect(ids(objections.queue({ at, limit: 3, after: first.next as string }))).toEqual([idOf(4)]);
  });

  it('gives the overdue decisions earliest deadline first, in bounded batches after a cursor', () => {
    const { objections, apply } = setUp();
    apply(
      filing(1, { decisionDueBy: '2026-12-26T16:00:00.000Z' }),
      filing(2, { decisionDueBy: '2026-12-24T16:00:00.000Z' }),
      filing(3, { decisionDueBy: '2027-01-10T16:00:00.000Z' }),
      filing(4, { decisionDueBy: '2026-12-25T16:00:00.000Z' }),
      filing(5, { decisionDueBy: '2026-12-20T16:00:00.000Z' }),
      decided(5),
      filing(6),
      decided(6),
      reconsiderationRequested(6),
    );
    const now = new Date('2027-01-01T00:00:00Z');
    const firstBatch = objections.dueForAutoReversal(now, 2);
    expect(firstBatch.map((due) => [due.objectionId, due.stage])).toEqual([
      [idOf(2), 'objection'],
      [idOf(4), 'objection'],
    ]);
    const secondBatch = objections.dueForAutoReversal(now, 2, firstBatch.at(-1));
    expect(secondBatch.map((due) => [due.objectionId, due.stage, due.dueBy])).toEqual([
      [idOf(1), 'objection', '2026-12-26T16:00:00.000Z'],
      [idOf(6), 'reconsideration', '2026-12-30T16:00:00.000Z'],
    ]);
    expect(objections.dueForAutoReversal(now, 2, secondBatch.at(-1))).toEqual([]);
  });

  it('changes nothing when an event is applied twice', () => {
    const { objections, apply, dump } = setUp();
    const [filed] = apply(filing(1));
    const [evidence] = apply({
      type: 'SubjectEvidenceAdded',
      data: { objectionId: idOf(1), evidence: [evidenceOf('witnessStatement', 'W-1')], by: 'resident-li' },
    });
    const before = dump();
    objections.apply(filed as RecordedEvent);
    objections.apply(evidence as RecordedEvent);
    expect(dump()).toEqual(before);
    expect(objections.objection(idOf(1))?.subjectEvidence).toHaveLength(1);
  });
});
