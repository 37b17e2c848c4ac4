import type { LedgerEvent } from '../../src/events/ledgerEvents';
import type { ObjectionDecided, ObjectionFiled } from '../../src/events/objectionEvents';
import { defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';
import type { EntryFacts } from '../../src/ledger/ledger';
import type {
  DecideObjection,
  DecideReconsideration,
  FileObjection,
  ObjectionDecisionContext,
} from '../../src/ledger/objection';
import { createSchemeBook } from '../../src/ledger/schemeBook';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { evidenceOf } from '../support/ledgerService';
import { given } from '../support/objectionSpec';

/**
 * The objection decider's rules. Deadlines follow workingDays.ts: the end (24:00 in Shanghai, 16:00Z) of the
 * last day, the filing day not counted; a step is in time up to the last millisecond before that instant.
 */

const scheme = loadScheme(defaultSchemePath());
const context: ObjectionDecisionContext = {
  now: new Date('2026-11-26T02:00:00.000Z'), // Thursday 26 November 2026, 10:00 in Shanghai
  schemes: createSchemeBook([scheme]),
  calendar: loadCalendar(defaultCalendarPath()),
};
const at = (now: string): ObjectionDecisionContext => ({ ...context, now: new Date(now) });
/** The context of the actor whose token names subject `subjectId`. */
const as = (subjectId: string, acting: ObjectionDecisionContext = context): ObjectionDecisionContext => ({
  ...acting,
  actorSubjectId: subjectId,
});

const objectionId = '01890000-0000-7000-8000-0000000000b1';
const recorder = 'officer-zhang';
const approver = 'approver-liu';
const officer = 'appeal-officer-wu';
const seniorOfficer = 'senior-officer-gao';
const resident = 'resident-li';

/** A deduction from a rule with a range (-50 to -5), so that amendments have room either way. */
const entry: EntryFacts = {
  subjectId: 'li',
  entryId: '01890000-0000-7000-8000-0000000000e1',
  status: 'posted',
  recordedBy: recorder,
  approvedBy: approver,
  reinstatements: [],
  formerOfficials: [],
  ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
  points: -40,
  severity: 'general',
  occurredAt: '2026-10-01T08:00:00.000Z',
  effectiveUntil: '2028-10-01T08:00:00.000Z',
  evidence: [evidenceOf('courtJudgment', 'J-2026-77')],
};

const filing: ObjectionFiled = {
  objectionId,
  subjectId: 'li',
  entryId: entry.entryId,
  grounds: 'The judgment names another Li.',
  evidence: [],
  filedBy: resident,
  filedAt: '2026-11-26T02:00:00.000Z',
  recorderId: recorder,
  approverId: approver,
  schemeVersion: scheme.version,
  // Five working days: Friday 27, Monday 30 November, Tuesday 1 to Thursday 3 December.
  evidenceDueBy: '2026-12-03T16:00:00.000Z',
  // Thirty days: Saturday 26 December.
  decisionDueBy: '2026-12-26T16:00:00.000Z',
};
const filed: LedgerEvent = { type: 'ObjectionFiled', data: filing };
const subjectEvidence: LedgerEvent = {
  type: 'SubjectEvidenceAdded',
  data: { objectionId, evidence: [evidenceOf('witnessStatement', 'W-1')], by: resident },
};
const extended: LedgerEvent = {
  type: 'ObjectionDeadlineExtended',
  data: { objectionId, newDecisionDueBy: '2027-01-10T16:00:00.000Z', by: officer },
};

const fileObjection = (overrides: Partial<FileObjection> = {}): FileObjection => ({
  type: 'FileObjection',
  objectionId,
  entry,
  grounds: filing.grounds,
  evidence: [],
  filedBy: resident,
  ...overrides,
});

const decideObjection = (overrides: Partial<DecideObjection> = {}): DecideObjection => ({
  type: 'DecideObjection',
  objectionId,
  outcome: 'upheld',
  reasons: 'The court confirmed the judgment is about this subject.',
  decidedBy: officer,
  ...overrides,
});

/** Decided on Thursday 10 December 2026, 10:00 in Shanghai. */
const decidedAt = '2026-12-10T02:00:00.000Z';
const decision = (overrides: Partial<ObjectionDecided> = {}): LedgerEvent => ({
  type: 'ObjectionDecided',
  data: {
    objectionId,
    outcome: 'upheld',
    reasons: 'The court confirmed the judgment is about this subject.',
    decidedBy: officer,
    decidedAt,
    // Ten working days: 11, 14 to 18, 21 to 24 December.
    reconsiderationDueBy: '2026-12-24T16:00:00.000Z',
    ...overrides,
  },
});
/** Requested on Tuesday 15 December; decided within fifteen days, by the end of Wednesday 30 December. */
const reconsiderationRequested: LedgerEvent = {
  type: 'ReconsiderationRequested',
  data: {
    objectionId,
    grounds: 'The officer did not read my witness statement.',
    by: resident,
    requestedAt: '2026-12-15T02:00:00.000Z',
    decisionDueBy: '2026-12-30T16:00:00.000Z',
  },
};

const reconsider = (overrides: Partial<DecideReconsideration> = {}): DecideReconsideration => ({
  type: 'DecideReconsideration',
  objectionId,
  outcome: 'reversed',
  reasons: 'The witness statement shows another person was sued.',
  decidedBy: seniorOfficer,
  senior: true,
  ...overrides,
});

describe('filing an objection', () => {
  it('asks the recorder for evidence within five working days and sets the decision thirty days out', () => {
    given([], as('li')).when(fileObjection()).then([filed]);
  });

  it('counts the evidence request past the National Day holiday and onto its make-up Saturday', () => {
    // Monday 28 September 2026: Tuesday 29, Wednesday 30, (1 to 7 October off), Thursday 8, Friday 9, Saturday 10.
    const filedAt = '2026-09-28T02:00:00.000Z';
    given([], as('li', at(filedAt)))
      .when(fileObjection())
      .then([
        {
          type: 'ObjectionFiled',
          data: {
            ...filing,
            filedAt,
            evidenceDueBy: '2026-10-10T16:00:00.000Z',
            decisionDueBy: '2026-10-28T16:00:00.000Z',
          },
        },
      ]);
  });

  it('is for the subject of the entry only', () => {
    given([], as('wang')).when(fileObjection()).thenRefuses('not-the-subject');
  });

  it('is refused on an entry not posted (awaiting approval)', () => {
    given([], as('li'))
      .when(fileObjection({ entry: { ...entry, status: 'pending' } }))
      .thenRefuses('entry-not-in-effect');
  });

  it('is refused on an entry already reversed', () => {
    given([], as('li'))
      .when(fileObjection({ entry: { ...entry, status: 'reversed' } }))
      .thenRefuses('entry-not-in-effect');
  });

  it('names who reinstated the entry and who approved that, so that none of them decides', () => {
    const reinstatements = [{ reinstatedBy: 'judge-qian', approvedBy: 'approver-ma' }];
    given([], as('li'))
      .when(fileObjection({ entry: { ...entry, reinstatements } }))
      .then([{ type: 'ObjectionFiled', data: { ...filing, reinstatements } }]);
  });

  it('is refused while another objection to the entry is open', () => {
    given([filed], as('li')).when(fileObjection()).thenRefuses('objection-already-open');
  });
});

describe('evidence', () => {
  const recorderEvidence = (now: string) =>
    given([filed], at(now)).when({
      type: 'SubmitEvidence',
      objectionId,
      evidence: [evidenceOf('courtJudgment', 'J-2026-77-CERT')],
      by: recorder,
    });

  it("is accepted from the entry's recorder up to the last millisecond of the fifth working day", () => {
    recorderEvidence('2026-12-03T15:59:59.999Z').then([
      {
        type: 'RecorderEvidenceSubmitted',
        data: { objectionId, evidence: [evidenceOf('courtJudgment', 'J-2026-77-CERT')], by: recorder },
      },
    ]);
  });

  it("is refused from the recorder once the request's last working day has ended", () => {
    recorderEvidence('2026-12-03T16:00:00.000Z').thenRefuses('evidence-request-closed');
  });

  it('is added by the subject while the objection awaits its decision', () => {
    given([filed], as('li', at('2026-12-20T02:00:00.000Z')))
      .when({ type: 'SubmitEvidence', objectionId, evidence: [evidenceOf('witnessStatement', 'W-1')], by: resident })
      .then([subjectEvidence]);
  });

  it('comes from the recorder or the subject, no one else', () => {
    given([filed], context)
      .when({ type: 'SubmitEvidence', objectionId, evidence: [evidenceOf('photo', 'P-1')], by: 'clerk-wu' })
      .thenRefuses('not-a-party');
  });

  it('is refused once the objection is decided', () => {
    given([filed, decision()], as('li', at('2026-12-11T02:00:00.000Z')))
      .when({ type: 'SubmitEvidence', objectionId, evidence: [evidenceOf('photo', 'P-1')], by: resident })
      .thenRefuses('objection-not-awaiting-decision');
  });

  it('names no objection that was never filed', () => {
    given([], context)
      .when({ type: 'SubmitEvidence', objectionId, evidence: [evidenceOf('photo', 'P-1')], by: recorder })
      .thenRefuses('objection-not-found');
  });
});

describe('extending the decision deadline', () => {
  const extend = (by = officer) => ({ type: 'ExtendDecisionDeadline', objectionId, by }) as const;

  it('is granted once, fifteen days more, after the subject added evidence', () => {
    // Forty-five days from the filing: Sunday 10 January 2027.
    given([filed, subjectEvidence], at('2026-12-20T02:00:00.000Z')).when(extend()).then([extended]);
  });

  it('is refused a second time', () => {
    given([filed, subjectEvidence, extended], at('2026-12-20T02:00:00.000Z'))
      .when(extend())
      .thenRefuses('extension-already-granted');
  });

  it('is refused while the subject has added no evidence since filing', () => {
    given([filed], at('2026-12-20T02:00:00.000Z')).when(extend()).thenRefuses('extension-needs-subject-evidence');
  });

  it("is refused to the entry's recorder", () => {
    given([filed, subjectEvidence], context).when(extend(recorder)).thenRefuses('separation-of-duties');
  });

  it('is refused to an official whose own record the entry is', () => {
    given([filed, subjectEvidence], as('li')).when(extend()).thenRefuses('separation-of-duties');
  });

  it('is refused once the deadline has passed', () => {
    given([filed, subjectEvidence], at('2026-12-26T16:00:00.000Z'))
      .when(extend())
      .thenRefuses('decision-deadline-passed');
  });
});

describe('deciding an objection', () => {
  it('records the outcome with its reasons, and the ten working days to ask for reconsideration', () => {
    given([filed], at(decidedAt)).when(decideObjection()).then([decision()]);
  });

  it('gives no reconsideration window when the subject won', () => {
    const { reconsiderationDueBy: _none, ...reversed } = (
      decision({ outcome: 'reversed' }) as { data: ObjectionDecided }
    ).data;
    given([filed], at(decidedAt))
      .when(decideObjection({ outcome: 'reversed' }))
      .then([{ type: 'ObjectionDecided', data: reversed }]);
  });

  it("is refused to the entry's recorder", () => {
    given([filed], at(decidedAt))
      .when(decideObjection({ decidedBy: recorder }))
      .thenRefuses('separation-of-duties');
  });

  it("is refused to the entry's approver", () => {
    given([filed], at(decidedAt))
      .when(decideObjection({ decidedBy: approver }))
      .thenRefuses('separation-of-duties');
  });

  /** Filed on an entry reversed before and brought back by judge-qian, with approver-ma's approval. */
  const filedOnReinstated: LedgerEvent = {
    type: 'ObjectionFiled',
    data: { ...filing, reinstatements: [{ reinstatedBy: 'judge-qian', approvedBy: 'approver-ma' }] },
  };

  it('is refused to whoever reinstated the entry', () => {
    given([filedOnReinstated], at(decidedAt))
      .when(decideObjection({ decidedBy: 'judge-qian' }))
      .thenRefuses('separation-of-duties', { part: 'reinstater' });
  });

  it('is refused to whoever approved its reinstatement', () => {
    given([filedOnReinstated], at(decidedAt))
      .when(decideObjection({ decidedBy: 'approver-ma' }))
      .thenRefuses('separation-of-duties', { part: 'reinstatementApprover' });
  });

  it('is refused to an official of the entry an amendment replaced by the one objected to', () => {
    given([{ type: 'ObjectionFiled', data: { ...filing, formerOfficials: ['judge-qian'] } }], at(decidedAt))
      .when(decideObjection({ decidedBy: 'judge-qian' }))
      .thenRefuses('separation-of-duties', { part: 'formerOfficial' });
  });

  it('names, when filed on an entry that amends another, the officials of that entry', () =>
    given([], as('li'))
      .when(fileObjection({ entry: { ...entry, formerOfficials: ['judge-qian'] } }))
      .then([{ type: 'ObjectionFiled', data: { ...filing, formerOfficials: ['judge-qian'] } }]));

  it('is refused to an official whose own record the entry is', () => {
    given([filed], as('li', at(decidedAt)))
      .when(decideObjection())
      .thenRefuses('separation-of-duties');
  });

  it('gives its reasons', () => {
    given([filed], at(decidedAt))
      .when(decideObjection({ reasons: '  ' }))
      .thenRefuses('reasons-required');
  });

  it("is in time up to the deadline's last millisecond", () => {
    given([filed], at('2026-12-26T15:59:59.999Z'))
      .when(decideObjection({ outcome: 'reversed' }))
      .then([
        {
          type: 'ObjectionDecided',
          data: {
            objectionId,
            outcome: 'reversed',
            reasons: decideObjection().reasons,
            decidedBy: officer,
            decidedAt: '2026-12-26T15:59:59.999Z',
          },
        },
      ]);
  });

  it('is refused from the deadline on: the sweeper reverses the entry instead', () => {
    given([filed], at('2026-12-26T16:00:00.000Z')).when(decideObjection()).thenRefuses('decision-deadline-passed');
  });

  it('is in time until the extended deadline', () => {
    given([filed, subjectEvidence, extended], at('2027-01-10T15:59:59.999Z'))
      .when(decideObjection({ outcome: 'unverifiable' }))
      .then([
        {
          type: 'ObjectionDecided',
          data: {
            objectionId,
            outcome: 'unverifiable',
            reasons: decideObjection().reasons,
            decidedBy: officer,
            decidedAt: '2027-01-10T15:59:59.999Z',
          },
        },
      ]);
  });

  it('is made once', () => {
    given([filed, decision()], at(decidedAt)).when(decideObjection()).thenRefuses('objection-not-awaiting-decision');
  });

  it('amends to lighter points', () => {
    given([filed], at(decidedAt))
      .when(
        decideObjection({ outcome: 'amended', points: -20, amendedEntryId: '01890000-0000-7000-8000-0000000000e2' }),
      )
      .then([decision({ outcome: 'amended', points: -20, amendedEntryId: '01890000-0000-7000-8000-0000000000e2' })]);
  });

  it('names new points or a new rule when it amends', () => {
    given([filed], at(decidedAt))
      .when(decideObjection({ outcome: 'amended' }))
      .thenRefuses('amendment-required');
  });

  it('names no points unless it amends', () => {
    given([filed], at(decidedAt))
      .when(decideObjection({ points: -20 }))
      .thenRefuses('amendment-not-allowed');
  });
});

describe('asking for reconsideration', () => {
  const request = {
    type: 'RequestReconsideration',
    objectionId,
    grounds: 'The officer did not read my witness statement.',
    by: resident,
  } as const;

  it('is granted within ten working days of a decision against the subject, to be decided in fifteen days', () => {
    given([filed, decision()], as('li', at('2026-12-15T02:00:00.000Z')))
      .when(request)
      .then([reconsiderationRequested]);
  });

  it('is in time up to the last millisecond of the tenth working day', () => {
    given([filed, decision()], as('li', at('2026-12-24T15:59:59.999Z')))
      .when(request)
      .then([
        {
          type: 'ReconsiderationRequested',
          data: {
            ...(reconsiderationRequested.data as object),
            requestedAt: '2026-12-24T15:59:59.999Z',
            decisionDueBy: '2027-01-08T16:00:00.000Z',
          },
        } as LedgerEvent,
      ]);
  });

  it('is refused once the tenth working day has ended', () => {
    given([filed, decision()], as('li', at('2026-12-24T16:00:00.000Z')))
      .when(request)
      .thenRefuses('reconsideration-window-closed');
  });

  it('is not available when the subject won', () => {
    given(
      [filed, decision({ outcome: 'reversed', reconsiderationDueBy: undefined })],
      as('li', at('2026-12-15T02:00:00.000Z')),
    )
      .when(request)
      .thenRefuses('reconsideration-not-available');
  });

  it('is not available before the decision', () => {
    given([filed], as('li', at('2026-12-15T02:00:00.000Z')))
      .when(request)
      .thenRefuses('reconsideration-not-available');
  });

  it('is asked once', () => {
    given([filed, decision(), reconsiderationRequested], as('li', at('2026-12-16T02:00:00.000Z')))
      .when(request)
      .thenRefuses('reconsideration-already-requested');
  });

  it('is asked by the subject only', () => {
    given([filed, decision()], as('wang', at('2026-12-15T02:00:00.000Z')))
      .when(request)
      .thenRefuses('not-the-subject');
  });
});

describe('deciding a reconsideration', () => {
  const history = [filed, decision(), reconsiderationRequested];
  const reconsideredAt = '2026-12-22T02:00:00.000Z';

  it('is decided by a senior officer other than the first, with reasons', () => {
    given(history, at(reconsideredAt))
      .when(reconsider())
      .then([
        {
          type: 'ReconsiderationDecided',
          data: {
            objectionId,
            outcome: 'reversed',
            reasons: reconsider().reasons,
            decidedBy: seniorOfficer,
            decidedAt: reconsideredAt,
          },
        },
      ]);
  });

  it('is refused to the officer who made the first decision, however senior', () => {
    given(history, at(reconsideredAt))
      .when(reconsider({ decidedBy: officer }))
      .thenRefuses('separation-of-duties');
  });

  it('is refused to an officer without the senior rank', () => {
    given(history, at(reconsideredAt))
      .when(reconsider({ decidedBy: 'appeal-officer-sun', senior: false }))
      .thenRefuses('senior-officer-required');
  });

  it("is refused to the entry's recorder", () => {
    given(history, at(reconsideredAt))
      .when(reconsider({ decidedBy: recorder }))
      .thenRefuses('separation-of-duties');
  });

  it('is refused to an official whose own record the entry is, however senior', () => {
    given(history, as('li', at(reconsideredAt)))
      .when(reconsider())
      .thenRefuses('separation-of-duties');
  });

  it('is refused from its deadline on', () => {
    given(history, at('2026-12-30T16:00:00.000Z')).when(reconsider()).thenRefuses('decision-deadline-passed');
  });

  it('needs a request for reconsideration', () => {
    given([filed, decision()], at(reconsideredAt)).when(reconsider()).thenRefuses('no-reconsideration-pending');
  });

  it('gives its reasons', () => {
    given(history, at(reconsideredAt))
      .when(reconsider({ reasons: '' }))
      .thenRefuses('reasons-required');
  });
});

describe('a missed deadline', () => {
  const reverse = { type: 'ReverseMissedDeadline', objectionId } as const;

  it('reverses the objection at the instant the decision fell due', () => {
    given([filed], at('2026-12-26T16:00:00.000Z'))
      .when(reverse)
      .then([
        {
          type: 'ObjectionAutoReversed',
          data: { objectionId, reason: 'deadlineMissed', dueBy: filing.decisionDueBy, at: '2026-12-26T16:00:00.000Z' },
        },
      ]);
  });

  it("has not passed at the deadline's last millisecond", () => {
    given([filed], at('2026-12-26T15:59:59.999Z')).when(reverse).thenRefuses('deadline-not-passed');
  });

  it('is the extended one once extended', () => {
    given([filed, subjectEvidence, extended], at('2026-12-27T02:00:00.000Z'))
      .when(reverse)
      .thenRefuses('deadline-not-passed');
  });

  it('reverses a reconsideration not decided in time, recording when it was carried out after downtime', () => {
    given([filed, decision(), reconsiderationRequested], at('2027-01-02T02:00:00.000Z'))
      .when(reverse)
      .then([
        {
          type: 'ReconsiderationAutoReversed',
          data: {
            objectionId,
            reason: 'deadlineMissed',
            dueBy: '2026-12-30T16:00:00.000Z',
            at: '2027-01-02T02:00:00.000Z',
          },
        },
      ]);
  });

  it('is no concern of an objection already decided', () => {
    given([filed, decision()], at('2027-01-02T02:00:00.000Z'))
      .when(reverse)
      .thenRefuses('objection-not-awaiting-decision');
  });
});
