import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { positionFromNumber, type RecordedEvent } from '../../src/events/eventStore';
import type { LedgerEvent } from '../../src/events/ledgerEvents';
import { addMonths } from '../../src/ledger/calendar';
import { LedgerConflict, LedgerForbidden, LedgerRuleViolation } from '../../src/ledger/errors';
import { subjectAsOf } from '../../src/ledger/replay';
import { scoreAt } from '../../src/ledger/score';
import { findRule } from '../../src/ledger/scheme';
import { createSchemeBook } from '../../src/ledger/schemeBook';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { decideSubject, type SubjectCommand } from '../../src/ledger/subject';
import { evolveSubject, foldSubject, initialSubjectState, type SubjectState } from '../../src/ledger/subjectState';
import { createScoreProjection } from '../../src/projections/scoreProjection';
import { authorityFor, evidenceOf } from '../support/ledgerService';

/**
 * Property: whatever sequence of entries, approvals, rejections, objection outcomes (reversed, upheld,
 * amended), expiries and repairs a subject
 * goes through, the score the projection folds equals a straightforward computation from the same inputs,
 * and reversing an entry gives exactly the score without it.
 */

const scheme = loadScheme(defaultSchemePath());
const schemes = createSchemeBook([scheme]);
const now = new Date('2026-11-26T10:00:00.000Z');
const day = 86_400_000;
const rules = [
  'TRF-TICKET',
  'PUB-FEES-LATE',
  'COM-SUED-BREACH',
  'PUB-UTILITY-THEFT',
  'VOL-PROJECT',
  'HRO-HEROIC-ACT',
  'NBH-LITTERING',
  'COM-DEBT-JUDGMENT',
];

type Operation =
  | { kind: 'record'; rule: number; daysAgo: number }
  | { kind: 'approve' | 'reject' | 'reverse' | 'uphold' | 'amend' | 'expire' | 'repair'; pick: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('record' as const),
    rule: fc.nat(rules.length - 1),
    daysAgo: fc.integer({ min: 0, max: 1500 }),
  }),
  fc.record({
    kind: fc.constantFrom(
      'approve' as const,
      'reject' as const,
      'reverse' as const,
      'uphold' as const,
      'amend' as const,
      'expire' as const,
      'repair' as const,
    ),
    pick: fc.nat(20),
  }),
);

/** The model: each entry's points, when it counts from and until, and whether it was removed. */
interface ModelEntry {
  entryId: string;
  points: number;
  from: number;
  until: number;
  state: 'pending' | 'counting' | 'gone';
}

const independentScore = (model: readonly ModelEntry[], at: number): number =>
  model
    .filter((entry) => entry.state === 'counting' && entry.from <= at && at < entry.until)
    .reduce((sum, entry) => sum + entry.points, 1000);

const registered: LedgerEvent = {
  type: 'SubjectRegistered',
  data: { subjectId: 's1', kind: 'person', adultFrom: '2000-01-01', baseline: 1000, registeredBy: 'clerk' },
};

/**
 * How many commands of each type the runs of the current test had accepted: a property that held only because every
 * command was refused would prove nothing, so each test checks that its runs accepted some.
 */
const accepted = new Map<string, number>();
const acceptedOf = (...commandTypes: SubjectCommand['type'][]): number =>
  commandTypes.reduce((sum, type) => sum + (accepted.get(type) ?? 0), 0);
beforeEach(() => accepted.clear());
/** The runs recorded entries, and changed what became of some: not every command was refused. */
const expectRunsAccepted = (): void => {
  expect(acceptedOf('RecordEntry')).toBeGreaterThan(0);
  expect(
    acceptedOf('DecideApproval', 'ReverseEntry', 'AmendEntry', 'UpholdEntry', 'ExpireEntry', 'DecideCreditRepair'),
  ).toBeGreaterThan(0);
};

/** A refusal by the rules, which the operations may well run into; anything else is a failure of the test. */
const isRefusal = (error: unknown): boolean =>
  error instanceof LedgerRuleViolation || error instanceof LedgerConflict || error instanceof LedgerForbidden;

/** Runs the operations through the decider; returns the events and the model, skipping refused commands. */
const run = (operations: readonly Operation[]) => {
  let state: SubjectState = evolveSubject(initialSubjectState(), registered);
  const events: LedgerEvent[] = [registered];
  const model: ModelEntry[] = [];
  const apply = (command: SubjectCommand, at: Date): boolean => {
    let decided: LedgerEvent[];
    try {
      decided = decideSubject(command, state, { now: at, schemes });
    } catch (error) {
      if (isRefusal(error)) return false;
      throw error;
    }
    decided.forEach((event) => {
      state = evolveSubject(state, event);
      events.push(event);
    });
    accepted.set(command.type, (accepted.get(command.type) ?? 0) + 1);
    return true;
  };
  /** One of the entries in the wanted state, whenever there is one. */
  const pick = (index: number, wanted: ModelEntry['state']) => {
    const candidates = model.filter((entry) => entry.state === wanted);
    return candidates[index % candidates.length];
  };
  operations.forEach((op, index) => {
    if (op.kind === 'record') {
      const code = rules[op.rule] as string;
      const rule = findRule(scheme, code);
      if (!rule) return;
      const occurredAt = new Date(now.getTime() - op.daysAgo * day);
      const entryId = uuidv7();
      const kind = rule.evidenceKinds[0] as Parameters<typeof evidenceOf>[0];
      const recorded = apply(
        {
          type: 'RecordEntry',
          entryId,
          subjectId: 's1',
          ruleCode: code,
          occurredAt: occurredAt.toISOString(),
          evidence: [evidenceOf(kind, `D-${index}`)],
          recordedBy: 'officer',
          authority: authorityFor(code),
        },
        now,
      );
      if (!recorded) return;
      const points = typeof rule.points === 'number' ? rule.points : 0;
      const months = points > 0 ? scheme.effectMonths.positive : scheme.effectMonths[rule.severity];
      model.push({
        entryId,
        points,
        from: occurredAt.getTime(),
        until: addMonths(occurredAt, months).getTime(),
        state: state.entries[entryId]?.status === 'pending' ? 'pending' : 'counting',
      });
      return;
    }
    const target = pick(op.pick, op.kind === 'approve' || op.kind === 'reject' ? 'pending' : 'counting');
    if (!target) return;
    const about = { subjectId: 's1', entryId: target.entryId };
    if (
      op.kind === 'approve' &&
      apply({ type: 'DecideApproval', ...about, decision: 'approve', approverId: 'approver' }, now)
    )
      target.state = 'counting';
    if (
      op.kind === 'reject' &&
      apply({ type: 'DecideApproval', ...about, decision: 'reject', reason: 'no', approverId: 'approver' }, now)
    )
      target.state = 'gone';
    if (
      op.kind === 'reverse' &&
      apply(
        { type: 'ReverseEntry', ...about, reason: 'objectionReversed', reasons: 'wrong', decidedBy: 'officer-2' },
        now,
      )
    )
      target.state = 'gone';
    if (op.kind === 'expire') apply({ type: 'ExpireEntry', ...about }, now);
    // An objection's outcomes: upheld changes nothing; amended replaces the entry with one judged anew.
    if (op.kind === 'uphold')
      apply({ type: 'UpholdEntry', ...about, objectionId: uuidv7(), decidedBy: 'officer-2' }, now);
    if (op.kind === 'amend') {
      const newEntryId = uuidv7();
      const amended = {
        type: 'AmendEntry' as const,
        ...about,
        newEntryId,
        objectionId: uuidv7(),
        reasons: 'misread',
        decidedBy: 'officer-2',
      };
      if (apply(amended, now)) {
        target.state = 'gone';
        model.push({ ...target, entryId: newEntryId, state: 'counting' });
      }
    }
    if (op.kind === 'repair' && target.points < 0) {
      const requested = apply(
        {
          type: 'RequestCreditRepair',
          ...about,
          repairId: uuidv7(),
          proof: [evidenceOf('courtJudgment', `P-${index}`)],
          requestedBy: 's1',
        },
        now,
      );
      if (
        requested &&
        apply(
          { type: 'DecideCreditRepair', ...about, decision: 'grant', reasons: 'corrected', officerId: 'officer-2' },
          now,
        )
      ) {
        target.until = Math.min(target.until, now.getTime());
      }
    }
  });
  return { events, model };
};

/** The events as the store would hand them out, all recorded now. */
const asRecorded = (events: readonly LedgerEvent[]): RecordedEvent[] =>
  events.map(
    (event, index) =>
      ({
        ...event,
        id: uuidv7(),
        metadata: { schemaVersion: 1 },
        streamName: 'subject-s1',
        revision: BigInt(index),
        position: positionFromNumber(index + 1),
        recordedAt: now,
      }) as RecordedEvent,
  );

/** Feeds the events, as stored events, to the real score projection on SQLite. */
const projectedScore = (events: readonly LedgerEvent[], at: Date): number => {
  const db = openLedgerDatabase(':memory:');
  const projection = createScoreProjection(db);
  asRecorded(events).forEach((event) => projection.apply(event));
  const score = scoreAt(scheme, 1000, projection.entries('s1'), at).score;
  db.close();
  return score;
};

/** The as-of replay of the subject's stream, in the corrected view: how the API answers any other instant. */
const replayedScore = (events: readonly LedgerEvent[], at: Date): number => {
  const replayed = subjectAsOf(asRecorded(events), 'corrected', at);
  if (!replayed) throw new Error('the subject was not registered');
  return scoreAt(scheme, replayed.baseline, replayed.entries, at).score;
};

describe('the folded score', () => {
  // The live read model answers now and the instants after it (when entries will stop counting); instants before
  // now are the as-of replay's, from the stream, since an entry whose expiry is recorded leaves the read model.
  it('equals a straightforward computation from the same inputs, now and at any later instant', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 40 }),
        fc.integer({ min: 0, max: 1500 }),
        (operations, offsetDays) => {
          const { events, model } = run(operations);
          expect(projectedScore(events, now)).toBe(independentScore(model, now.getTime()));
          const other = new Date(now.getTime() + offsetDays * day);
          expect(projectedScore(events, other)).toBe(independentScore(model, other.getTime()));
        },
      ),
      { numRuns: 150 },
    );
    expectRunsAccepted();
  });

  it('replayed as of any instant, before or after now, equals the same computation', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 40 }),
        fc.integer({ min: -1500, max: 1500 }),
        (operations, offsetDays) => {
          const { events, model } = run(operations);
          const at = new Date(now.getTime() + offsetDays * day);
          expect(replayedScore(events, at)).toBe(independentScore(model, at.getTime()));
        },
      ),
      { numRuns: 150 },
    );
    expectRunsAccepted();
  });

  it('after reversing an entry is exactly the score without it', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 30 }), fc.nat(20), (operations, pick) => {
        const { events, model } = run([...operations, { kind: 'record', rule: 0, daysAgo: 10 }]);
        const counting = model.filter(
          (entry) => entry.state === 'counting' && entry.from <= now.getTime() && now.getTime() < entry.until,
        );
        const target = counting[pick % counting.length];
        // The ticket recorded last counts now, whatever came before it: there is always one to reverse.
        if (!target) throw new Error('no entry counts now, not even the ticket recorded last');
        const reversed: LedgerEvent = {
          type: 'EntryReversed',
          data: {
            subjectId: 's1',
            entryId: target.entryId,
            reason: 'objectionReversed',
            decidedBy: 'officer-2',
            reasons: 'wrong',
          },
        };
        expect(projectedScore([...events, reversed], now)).toBe(projectedScore(events, now) - target.points);
      }),
      { numRuns: 100 },
    );
    expectRunsAccepted();
  });
});

describe("the subject's fold", () => {
  it('folds a stream at once, or in two parts, into the state one event at a time gives, and changes no earlier state', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), fc.nat(), (operations, split) => {
        const { events } = run(operations);
        let state = initialSubjectState();
        const earlier: { state: SubjectState; copy: SubjectState }[] = [];
        for (const event of events) {
          const next = evolveSubject(state, event);
          earlier.push({ state, copy: structuredClone(state) });
          state = next;
        }
        expect(foldSubject(events)).toEqual(state);
        const at = split % (events.length + 1);
        const firstPart = foldSubject(events.slice(0, at));
        const firstPartCopy = structuredClone(firstPart);
        expect(foldSubject(events.slice(at), firstPart)).toEqual(state);
        expect(firstPart).toEqual(firstPartCopy);
        for (const { state: kept, copy } of earlier) expect(kept).toEqual(copy);
      }),
      { numRuns: 100 },
    );
    expectRunsAccepted();
  });
});
