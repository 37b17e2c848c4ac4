import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { createSqliteEventStore } from '../../src/events/adapters/sqliteEventStore';
import { START, type EventStore, type Position } from '../../src/events/eventStore';
import { isLedgerEvent, objectionStream, subjectStream, type RecordedLedgerEvent } from '../../src/events/ledgerEvents';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';
import { createLedger, type Ledger } from '../../src/ledger/ledger';
import {
  createObjectionDeadlines,
  decisionInFlightGraceMs,
  type ObjectionDeadlines,
} from '../../src/ledger/objectionDeadlines';
import { createObjections, type ObjectionActor, type Objections } from '../../src/ledger/objections';
import { publishScheme } from '../../src/ledger/schemePublication';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { createObjectionsProjection, type ObjectionsReadModel } from '../../src/projections/objectionsProjection';
import type { Projection } from '../../src/projections/projection';
import { schemaRegistry } from '../../src/schemaRegistry';
import { evidenceOf, fixedClock, type TestClock } from '../support/ledgerService';

/**
 * Objections carried through to the entry on a real ledger over SQLite, and the deadline sweeper. The
 * projection is fed by hand (`project()`), so that a test decides how far it lags behind the store.
 */

const filedAt = new Date('2026-11-26T02:00:00.000Z'); // Thursday, 10:00 in Shanghai
const decisionDueBy = '2026-12-26T16:00:00.000Z'; // thirty days on
const minuteAfter = (instant: string) => new Date(new Date(instant).getTime() + 60_000);

let clock: TestClock;
let store: EventStore;
let ledger: Ledger;
let objections: Objections;
let view: Projection & ObjectionsReadModel;
let deadlines: ObjectionDeadlines;
let projected: Position;

const judge = { idempotencyKey: '', actorId: 'judge-sun', authority: 'court' };
const approver = 'approver-liu';
const li: (key: string) => ObjectionActor = (key) => ({
  idempotencyKey: key,
  actorId: 'resident-li',
  actorSubjectId: 'li',
});
const officer: (key: string) => ObjectionActor = (key) => ({ idempotencyKey: key, actorId: 'appeal-officer-wu' });
const senior: (key: string) => ObjectionActor = (key) => ({
  idempotencyKey: key,
  actorId: 'senior-officer-gao',
  senior: true,
});

/** Records a -40 deduction for li, which needs and gets a second person's approval; returns its id. */
const recordDeduction = async (n: number): Promise<string> => {
  const { entryId } = await ledger.recordEntry(
    {
      subjectId: 'li',
      ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
      points: -40,
      narrative: 'Failed to perform a settlement.',
      occurredAt: '2026-10-01T08:00:00Z',
      evidence: [evidenceOf('courtJudgment', `J-${n}`)],
    },
    { ...judge, idempotencyKey: `record-${n}` },
  );
  await ledger.decideApproval(
    { subjectId: 'li', entryId, decision: 'approve' },
    { idempotencyKey: `approve-${n}`, actorId: approver },
  );
  return entryId;
};

const fileAgainst = (entryId: string, key = `file-${entryId}`) =>
  objections.fileObjection({ subjectId: 'li', entryId, grounds: 'The judgment names another Li.' }, li(key));

const project = async (): Promise<void> => {
  for (const event of await store.readAll({ after: projected })) {
    view.apply(event);
    projected = event.position;
  }
};

const subjectEvents = async (): Promise<RecordedLedgerEvent[]> =>
  (await store.readStream(subjectStream('li'))).filter(isLedgerEvent);
const objectionEvents = async (objectionId: string): Promise<RecordedLedgerEvent[]> =>
  (await store.readStream(objectionStream(objectionId))).filter(isLedgerEvent);
const reversalsOf = async () =>
  (await subjectEvents()).flatMap((event) => (event.type === 'EntryReversed' ? [event.data] : []));

beforeEach(async () => {
  clock = fixedClock(filedAt);
  const db = openLedgerDatabase(':memory:');
  store = withEventValidation(createSqliteEventStore({ db, clock }), schemaRegistry());
  const schemes = await publishScheme(store, loadScheme(defaultSchemePath()), clock(), 'system');
  ledger = createLedger({ store, schemes, clock });
  await ledger.registerSubject(
    { subjectId: 'li', kind: 'person', birthDate: '1980-01-01' },
    { idempotencyKey: 'li', actorId: 'clerk' },
  );
  objections = createObjections({ store, ledger, schemes, calendar: loadCalendar(defaultCalendarPath()), clock });
  view = createObjectionsProjection(db);
  deadlines = createObjectionDeadlines({ objections, objectionsView: view });
  projected = START;
});

describe('filing', () => {
  it('copies the recorder and approver from the entry and answers a retry with the first result', async () => {
    const entryId = await recordDeduction(1);
    const first = await fileAgainst(entryId, 'file-once');
    const retry = await fileAgainst(entryId, 'file-once');
    expect(retry).toEqual({ ...first, replayed: true });
    const [filed] = await objectionEvents(first.objectionId);
    expect(filed?.data).toMatchObject({ recorderId: 'judge-sun', approverId: approver, decisionDueBy });
  });

  it('refuses a second objection to the entry while the first is open', async () => {
    const entryId = await recordDeduction(1);
    await fileAgainst(entryId, 'first');
    await expect(fileAgainst(entryId, 'second')).rejects.toMatchObject({ code: 'objection-already-open' });
  });

  it('files the next objection once the first has closed', async () => {
    const entryId = await recordDeduction(1);
    const first = await fileAgainst(entryId, 'first');
    await objections.decide({ objectionId: first.objectionId, outcome: 'upheld', reasons: 'Confirmed.' }, officer('d'));
    clock.set(new Date('2026-12-24T02:00:00Z')); // the ten working days to ask for reconsideration are over
    const second = await fileAgainst(entryId, 'second');
    expect(second.objectionId).not.toBe(first.objectionId);
  });

  it('refuses an entry the subject does not have', async () => {
    await expect(fileAgainst('01890000-0000-7000-8000-00000000dead')).rejects.toMatchObject({
      code: 'entry-not-found',
    });
  });
});

describe('a decision carried out on the entry', () => {
  it('upholds the entry once, however often the decision is retried', async () => {
    const { objectionId } = await fileAgainst(await recordDeduction(1));
    const decision = { objectionId, outcome: 'upheld', reasons: 'The court confirmed it.' } as const;
    await objections.decide(decision, officer('decide'));
    const retry = await objections.decide(decision, officer('decide'));
    expect(retry.replayed).toBe(true);
    const upheld = (await subjectEvents()).filter((event) => event.type === 'EntryUpheld');
    expect(upheld.map((event) => event.data)).toEqual([
      expect.objectContaining({ objectionId, decidedBy: 'appeal-officer-wu' }),
    ]);
  });

  it.each([
    ['reversed', 'objectionReversed'],
    ['unverifiable', 'unverifiable'],
  ] as const)('reverses the entry when %s, for the reason %s', async (outcome, reason) => {
    const entryId = await recordDeduction(1);
    const { objectionId } = await fileAgainst(entryId);
    await objections.decide({ objectionId, outcome, reasons: 'The recorder sent nothing.' }, officer('decide'));
    expect(await reversalsOf()).toEqual([expect.objectContaining({ entryId, reason, objectionId })]);
  });

  it('replaces the entry with a lighter one when amended, and records the replacement', async () => {
    const entryId = await recordDeduction(1);
    const { objectionId } = await fileAgainst(entryId);
    const decided = await objections.decide(
      { objectionId, outcome: 'amended', reasons: 'Partly settled.', points: -20 },
      officer('decide'),
    );
    const replacement = (await subjectEvents()).find(
      (event) => event.type === 'EntryPosted' && event.data.entryId === decided.amendedEntryId,
    );
    expect(replacement?.data).toMatchObject({ points: -20, amends: entryId });
    expect(await reversalsOf()).toEqual([expect.objectContaining({ entryId, reason: 'amended' })]);
  });

  it('writes nothing when the ledger refuses the amendment', async () => {
    const { objectionId } = await fileAgainst(await recordDeduction(1));
    const before = await store.headPosition();
    await expect(
      objections.decide(
        // The contract-breach rule fixes its own -20 points: it takes none.
        { objectionId, outcome: 'amended', reasons: 'Wrong rule.', ruleCode: 'COM-CONTRACT-BREACH', points: -10 },
        officer('decide'),
      ),
    ).rejects.toMatchObject({ code: 'points-not-allowed' });
    expect(await store.headPosition()).toBe(before);
  });

  it('refuses the deciding officer who approved the entry, writing nothing', async () => {
    const { objectionId } = await fileAgainst(await recordDeduction(1));
    const before = await store.headPosition();
    await expect(
      objections.decide(
        { objectionId, outcome: 'reversed', reasons: 'Mine.' },
        { idempotencyKey: 'decide', actorId: approver },
      ),
    ).rejects.toMatchObject({ code: 'separation-of-duties' });
    expect(await store.headPosition()).toBe(before);
  });

  it('refuses the officers who reinstated the entry and approved its reinstatement, writing nothing', async () => {
    const entryId = await recordDeduction(1);
    const first = await fileAgainst(entryId, 'file-first');
    await objections.decide(
      { objectionId: first.objectionId, outcome: 'reversed', reasons: 'Set aside.' },
      officer('d1'),
    );
    await ledger.reinstateEntry(
      { subjectId: 'li', entryId, evidence: [evidenceOf('courtJudgment', 'J-RETRIAL')], reasons: 'Retried.' },
      { ...judge, idempotencyKey: 'reinstate', actorId: 'judge-qian' },
    );
    await ledger.decideApproval(
      { subjectId: 'li', entryId, decision: 'approve' },
      { idempotencyKey: 'approve-reinstatement', actorId: 'approver-ma' },
    );
    const { objectionId } = await fileAgainst(entryId, 'file-second');
    const [filed] = await objectionEvents(objectionId);
    expect(filed?.data).toMatchObject({ reinstatements: [{ reinstatedBy: 'judge-qian', approvedBy: 'approver-ma' }] });
    const before = await store.headPosition();
    for (const actorId of ['judge-qian', 'approver-ma']) {
      await expect(
        objections.decide({ objectionId, outcome: 'upheld', reasons: 'Mine.' }, { idempotencyKey: actorId, actorId }),
      ).rejects.toMatchObject({ code: 'separation-of-duties' });
    }
    expect(await store.headPosition()).toBe(before);
  });

  it('reverses on reconsideration the replacement an amendment posted', async () => {
    const { objectionId } = await fileAgainst(await recordDeduction(1));
    const { amendedEntryId } = await objections.decide(
      { objectionId, outcome: 'amended', reasons: 'Partly settled.', points: -20 },
      officer('decide'),
    );
    await objections.requestReconsideration({ objectionId, grounds: 'Fully settled.' }, li('ask'));
    await objections.decideReconsideration(
      { objectionId, outcome: 'reversed', reasons: 'The receipt shows full settlement.' },
      senior('reconsider'),
    );
    expect((await reversalsOf()).at(-1)).toMatchObject({ entryId: amendedEntryId, reason: 'reconsidered' });
  });
});

describe('evidence', () => {
  it("is the recorder's answer when the entry's recorder sends it, the subject's when the subject does", async () => {
    const { objectionId } = await fileAgainst(await recordDeduction(1));
    const fromRecorder = await objections.submitEvidence(
      { objectionId, evidence: [evidenceOf('courtJudgment', 'J-1-CERT')] },
      { idempotencyKey: 'r', actorId: 'judge-sun' },
    );
    const fromSubject = await objections.submitEvidence(
      { objectionId, evidence: [evidenceOf('witnessStatement', 'W-1')] },
      li('s'),
    );
    expect([fromRecorder.from, fromSubject.from]).toEqual(['recorder', 'subject']);
  });
});

describe('the deadline sweeper', () => {
  it('reverses the entry of an objection not decided in time, as the system, for the missed deadline', async () => {
    const entryId = await recordDeduction(1);
    const { objectionId } = await fileAgainst(entryId);
    await project();
    const reversals = await deadlines.reverseMissedDeadlines(minuteAfter(decisionDueBy));
    expect(reversals).toEqual([
      expect.objectContaining({ objectionId, entryId, stage: 'objection', dueBy: decisionDueBy, replayed: false }),
    ]);
    const [reversal] = (await subjectEvents()).filter((event) => event.type === 'EntryReversed');
    expect(reversal?.data).toMatchObject({ entryId, reason: 'deadlineMissed', objectionId, decidedBy: 'system' });
    expect(reversal?.metadata.actorId).toBe('system');
    expect((await objectionEvents(objectionId)).at(-1)?.type).toBe('ObjectionAutoReversed');
  });

  it('changes nothing when run twice, even over a projection that has not seen its first run', async () => {
    await fileAgainst(await recordDeduction(1));
    await project();
    const now = minuteAfter(decisionDueBy);
    await deadlines.reverseMissedDeadlines(now);
    const head = await store.headPosition();
    expect(await deadlines.reverseMissedDeadlines(now)).toEqual([]);
    await project();
    expect(await deadlines.reverseMissedDeadlines(now)).toEqual([]);
    expect(await store.headPosition()).toBe(head);
  });

  it('catches up after downtime on every missed deadline, earliest first', async () => {
    const filings = [];
    for (const [n, day] of [
      [1, '2026-11-26T02:00:00Z'],
      [2, '2026-11-20T02:00:00Z'],
      [3, '2026-11-24T02:00:00Z'],
    ] as const) {
      clock.set(new Date(day));
      filings.push(await fileAgainst(await recordDeduction(n)));
    }
    await project();
    const reversals = await deadlines.reverseMissedDeadlines(new Date('2027-01-05T02:00:00Z'));
    const inDeadlineOrder = [...filings].sort((a, b) => a.decisionDueBy.localeCompare(b.decisionDueBy));
    expect(reversals.map((reversal) => reversal.objectionId)).toEqual(inDeadlineOrder.map((f) => f.objectionId));
    expect((await reversalsOf()).map((reversal) => reversal.objectionId)).toEqual(
      inDeadlineOrder.map((f) => f.objectionId),
    );
  });

  it('leaves a deadline alone for its first minute, while a decision judged in time may still be carried out', async () => {
    const { objectionId } = await fileAgainst(await recordDeduction(1));
    await project();
    const afterDue = (ms: number) => new Date(new Date(decisionDueBy).getTime() + ms);
    expect(await deadlines.reverseMissedDeadlines(afterDue(0))).toEqual([]);
    expect(await deadlines.reverseMissedDeadlines(afterDue(decisionInFlightGraceMs - 1))).toEqual([]);
    expect(await reversalsOf()).toEqual([]);
    expect(await deadlines.reverseMissedDeadlines(afterDue(decisionInFlightGraceMs))).toEqual([
      expect.objectContaining({ objectionId, stage: 'objection', dueBy: decisionDueBy }),
    ]);
  });

  it('passes over an objection decided since the projection last saw it', async () => {
    const entryId = await recordDeduction(1);
    const { objectionId } = await fileAgainst(entryId);
    await project();
    clock.set(new Date('2026-12-10T02:00:00Z'));
    await objections.decide({ objectionId, outcome: 'upheld', reasons: 'Confirmed.' }, officer('decide'));
    expect(await deadlines.reverseMissedDeadlines(minuteAfter(decisionDueBy))).toEqual([]);
    expect(await reversalsOf()).toEqual([]);
  });

  it('reverses a reconsideration not decided in time', async () => {
    const entryId = await recordDeduction(1);
    const { objectionId } = await fileAgainst(entryId);
    clock.set(new Date('2026-12-10T02:00:00Z'));
    await objections.decide({ objectionId, outcome: 'upheld', reasons: 'Confirmed.' }, officer('decide'));
    const { decisionDueBy: reconsiderationDue } = await objections.requestReconsideration(
      { objectionId, grounds: 'Look again.' },
      li('ask'),
    );
    await project();
    const [reversal] = await deadlines.reverseMissedDeadlines(minuteAfter(reconsiderationDue));
    expect(reversal).toMatchObject({ objectionId, entryId, stage: 'reconsideration', dueBy: reconsiderationDue });
    expect(await reversalsOf()).toEqual([expect.objectContaining({ entryId, reason: 'deadlineMissed' })]);
  });
});
