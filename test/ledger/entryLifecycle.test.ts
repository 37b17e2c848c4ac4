import type { EntryPosted, LedgerEvent } from '../../src/events/ledgerEvents';
import { heavierThan } from '../../src/ledger/judging';
import { createSchemeBook } from '../../src/ledger/schemeBook';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { given } from '../support/deciderSpec';
import { evidenceOf } from '../support/ledgerService';

const scheme = loadScheme(defaultSchemePath());
const context = { now: new Date('2026-11-26T10:00:00Z'), schemes: createSchemeBook([scheme]) };
/** The context of an official whose token names subject s1: the subject of every entry below. */
const asS1 = { ...context, actorSubjectId: 's1' };

const registered: LedgerEvent = {
  type: 'SubjectRegistered',
  data: { subjectId: 's1', kind: 'person', adultFrom: '2008-05-01', baseline: 1000, registeredBy: 'clerk' },
};

const theft: EntryPosted = {
  entryId: '01890000-0000-7000-8000-0000000000a1',
  subjectId: 's1',
  ruleCode: 'PUB-UTILITY-THEFT',
  direction: 'deduction',
  points: -60,
  severity: 'serious',
  occurredAt: '2026-01-10T08:00:00.000Z',
  effectiveUntil: '2029-01-10T08:00:00.000Z',
  evidence: [evidenceOf('adminPenaltyDecision', 'AP-1')],
  schemeVersion: 'rongcheng-2021.1',
  recordedBy: 'officer-li',
  authority: 'public-security',
};
const about = { subjectId: 's1', entryId: theft.entryId };
const proposed: LedgerEvent = { type: 'EntryProposed', data: theft };
const posted: LedgerEvent = { type: 'EntryPosted', data: { ...theft, approvedBy: 'approver-wu' } };
const notice = (
  kind: 'entryPosted' | 'entryReversed' | 'entryUpheld' | 'entryReinstated' | 'repairGranted' | 'repairRefused',
): LedgerEvent => ({
  type: 'SubjectNotified',
  data: { ...about, notice: kind },
});
const reversed: LedgerEvent = {
  type: 'EntryReversed',
  data: {
    ...about,
    reason: 'objectionReversed',
    decidedBy: 'officer-zhou',
    reasons: 'the penalty decision was annulled',
  },
};
const upheld: LedgerEvent = {
  type: 'EntryUpheld',
  data: { ...about, objectionId: '01890000-0000-7000-8000-0000000000b1', decidedBy: 'officer-zhou' },
};

describe('four eyes', () => {
  it('posts a proposed entry once a second person approves it, and tells the subject', () =>
    given([registered, proposed], context)
      .when({ type: 'DecideApproval', ...about, decision: 'approve', approverId: 'approver-wu' })
      .then([{ type: 'EntryApproved', data: { ...about, approvedBy: 'approver-wu' } }, posted, notice('entryPosted')]));

  it('never lets the recorder approve their own entry', () =>
    given([registered, proposed], context)
      .when({ type: 'DecideApproval', ...about, decision: 'approve', approverId: 'officer-li' })
      .thenRefuses('separation-of-duties', { part: 'recorder' }));

  it('rejects a proposed entry only with a reason', () =>
    given([registered, proposed], context)
      .when({ type: 'DecideApproval', ...about, decision: 'reject', approverId: 'approver-wu' })
      .thenRefuses('reasons-required'));

  it('rejects a proposed entry, which then never takes effect', () =>
    given([registered, proposed], context)
      .when({
        type: 'DecideApproval',
        ...about,
        decision: 'reject',
        reason: 'the decision is not final',
        approverId: 'approver-wu',
      })
      .then([
        { type: 'EntryRejected', data: { ...about, rejectedBy: 'approver-wu', reason: 'the decision is not final' } },
      ]));

  it('never lets an official approve an entry about themselves', () =>
    given([registered, proposed], asS1)
      .when({ type: 'DecideApproval', ...about, decision: 'approve', approverId: 'approver-wu' })
      .thenRefuses('separation-of-duties'));

  it('never lets an official reject an entry about themselves', () =>
    given([registered, proposed], asS1)
      .when({
        type: 'DecideApproval',
        ...about,
        decision: 'reject',
        reason: 'not me',
        approverId: 'approver-wu',
      })
      .thenRefuses('separation-of-duties'));

  it('decides a proposal only once', () =>
    given([registered, proposed, posted], context)
      .when({ type: 'DecideApproval', ...about, decision: 'approve', approverId: 'approver-ma' })
      .thenRefuses('entry-not-pending'));
});

describe('reversal', () => {
  it('is a compensating event that names its reason, and the subject is told', () =>
    given([registered, posted], context)
      .when({
        type: 'ReverseEntry',
        ...about,
        reason: 'objectionReversed',
        reasons: 'the penalty decision was annulled',
        decidedBy: 'officer-zhou',
      })
      .then([reversed, notice('entryReversed')]));

  it('happens only once', () =>
    given([registered, posted, reversed], context)
      .when({
        type: 'ReverseEntry',
        ...about,
        reason: 'deadlineMissed',
        reasons: 'no decision in time',
        decidedBy: 'system',
      })
      .thenRefuses('entry-not-in-effect'));

  it('always gives reasons', () =>
    given([registered, posted], context)
      .when({ type: 'ReverseEntry', ...about, reason: 'unverifiable', reasons: ' ', decidedBy: 'officer-zhou' })
      .thenRefuses('reasons-required'));
});

describe('amendment', () => {
  /** A court's general deduction, in its rule's range of -50 to -5 points. */
  const judged: EntryPosted = {
    ...theft,
    entryId: '01890000-0000-7000-8000-0000000000a3',
    ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
    points: -40,
    severity: 'general',
    evidence: [evidenceOf('courtJudgment', 'J-1')],
    recordedBy: 'judge-sun',
    authority: 'court',
  };
  const judgedPosted: LedgerEvent = { type: 'EntryPosted', data: judged };
  const amendment = (change: { ruleCode?: string; points?: number }) => ({
    type: 'AmendEntry' as const,
    subjectId: 's1',
    entryId: judged.entryId,
    newEntryId: '01890000-0000-7000-8000-0000000000a4',
    objectionId: '01890000-0000-7000-8000-0000000000b1',
    reasons: 'the judgment found a smaller debt',
    decidedBy: 'officer-zhou',
    ...change,
  });

  it('reverses the entry and posts a lighter one for the same conduct in its place', () =>
    given([registered, judgedPosted], context)
      .when(amendment({ points: -20 }))
      .then([
        {
          type: 'EntryReversed',
          data: {
            subjectId: 's1',
            entryId: judged.entryId,
            reason: 'amended',
            objectionId: '01890000-0000-7000-8000-0000000000b1',
            decidedBy: 'officer-zhou',
            reasons: 'the judgment found a smaller debt',
          },
        },
        { type: 'SubjectNotified', data: { subjectId: 's1', entryId: judged.entryId, notice: 'entryReversed' } },
        {
          type: 'EntryPosted',
          data: {
            ...judged,
            entryId: '01890000-0000-7000-8000-0000000000a4',
            points: -20,
            narrative: 'the judgment found a smaller debt',
            recordedBy: 'officer-zhou',
            amends: judged.entryId,
          },
        },
        {
          type: 'SubjectNotified',
          data: { subjectId: 's1', entryId: '01890000-0000-7000-8000-0000000000a4', notice: 'entryPosted' },
        },
      ]));

  it('never makes the points heavier', () =>
    given([registered, judgedPosted], context)
      .when(amendment({ points: -45 }))
      .thenRefuses('amendment-worsens'));

  it('never moves the entry to a rule whose fixed points are heavier', () =>
    given([registered, posted], context)
      .when({ ...amendment({ ruleCode: 'PUB-EQUIPMENT-DAMAGE' }), entryId: theft.entryId })
      .thenRefuses('amendment-worsens'));

  it('never adds a grade cap, even with fewer points taken (drunk driving caps the grade at C, 0 points)', () =>
    given([registered, judgedPosted], context)
      .when(amendment({ ruleCode: 'TRF-DUI' }))
      .thenRefuses('amendment-worsens'));

  it("keeps to rules that the entry's authority records", () =>
    given([registered, posted], context)
      .when({ ...amendment({ ruleCode: 'COM-OTHER-UNTRUSTWORTHY', points: -5 }), entryId: theft.entryId })
      .thenRefuses('outside-authority'));

  it("keeps to rules that accept the entry's evidence", () =>
    given(
      [registered, { type: 'EntryPosted', data: { ...judged, evidence: [evidenceOf('arbitralAward', 'AA-1')] } }],
      context,
    )
      .when(amendment({ ruleCode: 'COM-ILLEGAL-FUNDRAISING' }))
      .thenRefuses('evidence-kind-not-allowed'));
});

describe('what makes an entry heavier than the one it replaces', () => {
  it('is nothing for an entry as light in every respect', () => expect(heavierThan(theft, theft)).toEqual([]));

  it('is an effect that lasts longer', () =>
    expect(heavierThan({ ...theft, effectiveUntil: '2030-01-10T08:00:00.000Z' }, theft)).toEqual([
      'an effect until 2030-01-10T08:00:00.000Z instead of 2029-01-10T08:00:00.000Z',
    ]));

  it('is a higher severity, which waits longer for credit repair', () =>
    expect(heavierThan(theft, { ...theft, severity: 'general' })).toEqual(['serious instead of general']));
});

describe('reinstatement', () => {
  const reinstate = (evidence = [evidenceOf('adminPenaltyDecision', 'AP-2')], authority = 'public-security') => ({
    type: 'ReinstateEntry' as const,
    ...about,
    evidence,
    reasons: 'a new decision was issued',
    reinstatedBy: 'officer-li',
    authority,
  });

  /** Littering: a minor -10 deduction, below the four-eyes threshold, posted at once when recorded. */
  const littering: EntryPosted = {
    ...theft,
    entryId: '01890000-0000-7000-8000-0000000000a5',
    ruleCode: 'NBH-LITTERING',
    points: -10,
    severity: 'minor',
    effectiveUntil: '2027-01-10T08:00:00.000Z',
    evidence: [evidenceOf('adminPenaltyDecision', 'UM-1')],
    recordedBy: 'officer-ma',
    authority: 'urban-management',
  };
  const aboutLittering = { subjectId: 's1', entryId: littering.entryId };

  it('brings a reversed entry that needed no second person back at once, with new evidence and a fresh notice', () =>
    given(
      [
        registered,
        { type: 'EntryPosted', data: littering },
        { type: 'EntryReversed', data: { ...reversed.data, ...aboutLittering } },
      ],
      context,
    )
      .when({
        type: 'ReinstateEntry',
        ...aboutLittering,
        evidence: [evidenceOf('adminPenaltyDecision', 'UM-2')],
        reasons: 'a new decision was issued',
        reinstatedBy: 'officer-ma',
        authority: 'urban-management',
      })
      .then([
        {
          type: 'EntryReinstated',
          data: {
            ...aboutLittering,
            evidence: [evidenceOf('adminPenaltyDecision', 'UM-2')],
            reinstatedBy: 'officer-ma',
            reasons: 'a new decision was issued',
          },
        },
        { type: 'SubjectNotified', data: { ...aboutLittering, notice: 'entryReinstated' } },
      ]));

  it('refuses the evidence the entry already carried', () =>
    given([registered, posted, reversed], context)
      .when(reinstate([evidenceOf('adminPenaltyDecision', 'AP-1')]))
      .thenRefuses('evidence-not-new'));

  it('refuses the document the entry carried under another hash, as no new evidence', () =>
    given([registered, posted, reversed], context)
      .when(
        reinstate([
          {
            ...evidenceOf('adminPenaltyDecision', 'AP-1'),
            sha256: evidenceOf('adminPenaltyDecision', 'a rescan').sha256,
          },
        ]),
      )
      .thenRefuses('evidence-not-new'));

  it('refuses evidence that stands behind another entry of the subject, naming it', () => {
    const other: LedgerEvent = {
      type: 'EntryPosted',
      data: {
        ...theft,
        entryId: '01890000-0000-7000-8000-0000000000a5',
        occurredAt: '2026-03-02T08:00:00.000Z',
        effectiveUntil: '2029-03-02T08:00:00.000Z',
        evidence: [evidenceOf('adminPenaltyDecision', 'AP-2')],
      },
    };
    given([registered, posted, reversed, other], context)
      .when(reinstate())
      .thenRefuses('evidence-already-used', { entryId: '01890000-0000-7000-8000-0000000000a5' });
  });

  it('refuses an entry an amendment replaced, which would count beside its replacement', () => {
    const amendedAway: LedgerEvent = {
      type: 'EntryReversed',
      data: { ...reversed.data, reason: 'amended', objectionId: '01890000-0000-7000-8000-0000000000b1' },
    } as LedgerEvent;
    const replacement: LedgerEvent = {
      type: 'EntryPosted',
      data: { ...theft, entryId: '01890000-0000-7000-8000-0000000000a2', points: -40, amends: theft.entryId },
    };
    given([registered, posted, amendedAway, replacement], context).when(reinstate()).thenRefuses('entry-amended');
  });

  it('refuses an entry that was never reversed', () =>
    given([registered, posted], context).when(reinstate()).thenRefuses('entry-not-reversed'));

  it('is never made by an official about themselves', () =>
    given([registered, posted, reversed], asS1).when(reinstate()).thenRefuses('separation-of-duties'));

  it("refuses a recorder outside the rule's authorities", () =>
    given([registered, posted, reversed], context)
      .when(reinstate(undefined, 'traffic-police'))
      .thenRefuses('outside-authority'));
});

describe('reinstatement of an entry that needed four eyes', () => {
  /** The theft was serious: its recording needed a second person, and so does its return. */
  const reinstate = (evidence = [evidenceOf('adminPenaltyDecision', 'AP-2')], reinstatedBy = 'officer-zhao') => ({
    type: 'ReinstateEntry' as const,
    ...about,
    evidence,
    reasons: 'a new decision was issued',
    reinstatedBy,
    authority: 'public-security',
  });
  const proposal = (documentNumber = 'AP-2'): LedgerEvent => ({
    type: 'EntryReinstatementProposed',
    data: {
      ...about,
      ruleCode: 'PUB-UTILITY-THEFT',
      points: -60,
      severity: 'serious',
      occurredAt: theft.occurredAt,
      recordedBy: 'officer-li',
      authority: 'public-security',
      evidence: [evidenceOf('adminPenaltyDecision', documentNumber)],
      reinstatedBy: 'officer-zhao',
      reasons: 'a new decision was issued',
    },
  });
  const decide = (approverId: string, decision: 'approve' | 'reject' = 'approve') => ({
    type: 'DecideApproval' as const,
    ...about,
    decision,
    approverId,
    ...(decision === 'reject' ? { reason: 'the new decision is not final' } : {}),
  });
  const rejected: LedgerEvent = {
    type: 'EntryRejected',
    data: { ...about, rejectedBy: 'approver-ma', reason: 'the new decision is not final' },
  };

  it('is only proposed: the entry does not count until a second person approves it', () =>
    given([registered, posted, reversed], context).when(reinstate()).then([proposal()]));

  it('brings the entry back once a second person approves it, and tells the subject', () =>
    given([registered, posted, reversed, proposal()], context)
      .when(decide('approver-ma'))
      .then([
        { type: 'EntryApproved', data: { ...about, approvedBy: 'approver-ma' } },
        {
          type: 'EntryReinstated',
          data: {
            ...about,
            evidence: [evidenceOf('adminPenaltyDecision', 'AP-2')],
            reinstatedBy: 'officer-zhao',
            reasons: 'a new decision was issued',
            approvedBy: 'approver-ma',
          },
        },
        notice('entryReinstated'),
      ]));

  it('is never approved by the reinstater', () =>
    given([registered, posted, reversed, proposal()], context)
      .when(decide('officer-zhao'))
      .thenRefuses('separation-of-duties', { part: 'reinstater' }));

  it("is never approved by the entry's recorder", () =>
    given([registered, posted, reversed, proposal()], context)
      .when(decide('officer-li'))
      .thenRefuses('separation-of-duties'));

  it('is never approved by an official about themselves', () =>
    given([registered, posted, reversed, proposal()], asS1)
      .when(decide('approver-ma'))
      .thenRefuses('separation-of-duties'));

  it('is rejected by a second person, with a reason', () =>
    given([registered, posted, reversed, proposal()], context).when(decide('approver-ma', 'reject')).then([rejected]));

  it('leaves the entry reversed once rejected: it may be proposed again, with evidence not offered before', () =>
    given([registered, posted, reversed, proposal(), rejected], context)
      .when(reinstate([evidenceOf('adminPenaltyDecision', 'AP-3')]))
      .then([proposal('AP-3')]));

  it('refuses again the evidence of a rejected reinstatement', () =>
    given([registered, posted, reversed, proposal(), rejected], context)
      .when(reinstate())
      .thenRefuses('evidence-not-new'));

  /** Another theft by s1, recorded on the document a reinstatement of the first offered. */
  const anotherTheft: EntryPosted = {
    ...theft,
    entryId: '01890000-0000-7000-8000-0000000000a6',
    occurredAt: '2026-03-02T08:00:00.000Z',
    effectiveUntil: '2029-03-02T08:00:00.000Z',
    evidence: [evidenceOf('adminPenaltyDecision', 'AP-2')],
  };
  const recordAnotherTheft = {
    type: 'RecordEntry' as const,
    entryId: anotherTheft.entryId,
    subjectId: 's1',
    ruleCode: 'PUB-UTILITY-THEFT',
    occurredAt: '2026-03-02T08:00:00Z',
    evidence: [evidenceOf('adminPenaltyDecision', 'AP-2')],
    recordedBy: 'officer-li',
    authority: 'public-security',
  };

  it('frees the documents of a rejected reinstatement for another entry of the subject', () =>
    given([registered, posted, reversed, proposal(), rejected], context)
      .when(recordAnotherTheft)
      .then([{ type: 'EntryProposed', data: anotherTheft }]));

  it('holds the documents of a reinstatement awaiting approval: nobody records them meanwhile', () =>
    given([registered, posted, reversed, proposal()], context)
      .when(recordAnotherTheft)
      .thenRefuses('evidence-already-used', { entryId: theft.entryId }));

  it('never brings back an entry repaired while its reinstatement awaited approval: repair ends it for good', () =>
    given(
      [
        registered,
        posted,
        {
          type: 'CreditRepairRequested',
          data: { ...about, repairId: '01890000-0000-7000-8000-0000000000c1', proof: [], requestedBy: 's1' },
        },
        reversed,
        proposal(),
        {
          type: 'CreditRepairGranted',
          data: {
            ...about,
            repairId: '01890000-0000-7000-8000-0000000000c1',
            grantedBy: 'officer-zhou',
            reasons: 'paid in full',
          },
        },
      ],
      context,
    )
      .when(decide('approver-ma'))
      .thenRefuses('entry-not-pending'));

  it('is proposed once: another waits until the first is decided', () =>
    given([registered, posted, reversed, proposal()], context)
      .when(reinstate([evidenceOf('adminPenaltyDecision', 'AP-3')]))
      .thenRefuses('reinstatement-pending'));
});

describe('a statement of dispute', () => {
  const statement = (text: string) => ({ type: 'AddStatementOfDispute' as const, ...about, text });

  it('goes beside an entry whose objection was upheld', () =>
    given([registered, posted, upheld], context)
      .when(statement('I was not at home that month.'))
      .then([{ type: 'StatementOfDisputeAdded', data: { ...about, text: 'I was not at home that month.' } }]));

  it('is refused beside an entry no objection upheld', () =>
    given([registered, posted], context).when(statement('I disagree.')).thenRefuses('entry-not-upheld'));

  it('has at most 100 words', () =>
    given([registered, posted, upheld], context)
      .when(statement('word '.repeat(101)))
      .thenRefuses('statement-too-long'));

  it('may have exactly 100 words', () =>
    given([registered, posted, upheld], context)
      .when(statement(Array.from({ length: 100 }, () => 'word').join(' ')))
      .then([
        {
          type: 'StatementOfDisputeAdded',
          data: { ...about, text: Array.from({ length: 100 }, () => 'word').join(' ') },
        },
      ]));
});

describe('expiry', () => {
  const expire = { type: 'ExpireEntry' as const, ...about };
  const atEnd = { ...context, now: new Date(theft.effectiveUntil) };

  it('is recorded once the effect period has ended', () =>
    given([registered, posted], atEnd)
      .when(expire)
      .then([{ type: 'EntryExpired', data: { ...about, expiredAt: theft.effectiveUntil } }]));

  it('is refused before the effect period ends', () =>
    given([registered, posted], { ...context, now: new Date(Date.parse(theft.effectiveUntil) - 1) })
      .when(expire)
      .thenRefuses('entry-not-due'));

  it('is refused for a reversed entry, which no longer counts', () =>
    given([registered, posted, reversed], atEnd).when(expire).thenRefuses('entry-not-in-effect'));
});

describe('credit repair', () => {
  const request = () => ({
    type: 'RequestCreditRepair' as const,
    ...about,
    repairId: '01890000-0000-7000-8000-0000000000c1',
    proof: [evidenceOf('adminPenaltyDecision', 'PAID-1')],
    requestedBy: 's1',
  });
  const requested: LedgerEvent = {
    type: 'CreditRepairRequested',
    data: {
      ...about,
      repairId: '01890000-0000-7000-8000-0000000000c1',
      proof: [evidenceOf('adminPenaltyDecision', 'PAID-1')],
      requestedBy: 's1',
    },
  };

  it('is open to a serious entry 12 months after the finding', () =>
    given([registered, posted], { ...context, now: new Date('2027-01-10T08:00:00Z') })
      .when(request())
      .then([requested]));

  it('is refused a day before the minimum period of the tier', () =>
    given([registered, posted], { ...context, now: new Date('2027-01-09T08:00:00Z') })
      .when(request())
      .thenRefuses('repair-too-early'));

  /** A version published after the entry was judged, whose serious entries wait `months` for repair. */
  const withLaterWait = (months: number) => ({
    now: new Date('2027-01-10T08:00:00Z'),
    schemes: createSchemeBook([
      scheme,
      {
        ...scheme,
        version: 'rongcheng-2026.2',
        effectiveFrom: '2026-12-01',
        dueProcess: {
          ...scheme.dueProcess,
          repairMinimumMonths: { ...scheme.dueProcess.repairMinimumMonths, serious: months },
        },
      },
    ]),
  });

  it('waits no longer than the version the entry was judged under asked, whatever a later one asks', () =>
    given([registered, posted], withLaterWait(24)).when(request()).then([requested]));

  it('waits only as long as a later version asks, when it asks less', () =>
    given([registered, posted], { ...withLaterWait(6), now: new Date('2026-12-10T08:00:00Z') })
      .when(request())
      .then([requested]));

  it('is granted by an officer who neither recorded nor approved the entry, ending its effect', () =>
    given([registered, posted, requested], context)
      .when({
        type: 'DecideCreditRepair',
        ...about,
        decision: 'grant',
        reasons: 'paid in full',
        officerId: 'officer-zhou',
      })
      .then([
        {
          type: 'CreditRepairGranted',
          data: {
            ...about,
            repairId: '01890000-0000-7000-8000-0000000000c1',
            grantedBy: 'officer-zhou',
            reasons: 'paid in full',
          },
        },
        notice('repairGranted'),
      ]));

  const decideRepair = (officerId: string) =>
    ({ type: 'DecideCreditRepair', ...about, decision: 'grant', reasons: 'paid', officerId }) as const;

  it('is not granted once its effect has ended, even before the expiry sweep records it', () =>
    given([registered, posted, requested], { ...context, now: new Date(theft.effectiveUntil) })
      .when(decideRepair('officer-zhou'))
      .thenRefuses('entry-not-in-effect', { entryStatus: 'posted' }));

  it('is not granted once the entry no longer counts (reversed since the request), writing nothing', () =>
    given([registered, posted, requested, reversed], context)
      .when(decideRepair('officer-zhou'))
      .thenRefuses('entry-not-in-effect', { entryStatus: 'reversed' }));

  it('is refused, closing the request, once the entry no longer counts', () =>
    given([registered, posted, requested, reversed], context)
      .when({ ...decideRepair('officer-zhou'), decision: 'refuse', reasons: 'the entry was reversed' })
      .then([
        {
          type: 'CreditRepairRefused',
          data: {
            ...about,
            repairId: '01890000-0000-7000-8000-0000000000c1',
            refusedBy: 'officer-zhou',
            reasons: 'the entry was reversed',
          },
        },
        notice('repairRefused'),
      ]));

  it('is never decided by the approver of the entry', () =>
    given([registered, posted, requested], context)
      .when({ type: 'DecideCreditRepair', ...about, decision: 'grant', reasons: 'paid', officerId: 'approver-wu' })
      .thenRefuses('separation-of-duties'));

  /** The theft, reversed and brought back by officer-zhao with approver-ma's approval, before the request. */
  const reinstated: LedgerEvent = {
    type: 'EntryReinstated',
    data: {
      ...about,
      evidence: [evidenceOf('adminPenaltyDecision', 'AP-2')],
      reinstatedBy: 'officer-zhao',
      reasons: 'a new decision was issued',
      approvedBy: 'approver-ma',
    },
  };

  it('is never decided by whoever reinstated the entry', () =>
    given([registered, posted, reversed, reinstated, requested], context)
      .when(decideRepair('officer-zhao'))
      .thenRefuses('separation-of-duties', { part: 'reinstater' }));

  it('is never decided by whoever approved its reinstatement', () =>
    given([registered, posted, reversed, reinstated, requested], context)
      .when(decideRepair('approver-ma'))
      .thenRefuses('separation-of-duties', { part: 'reinstatementApprover' }));

  it('is never decided by an official of the entry an amendment replaced by this one', () => {
    const replacementId = '01890000-0000-7000-8000-0000000000a2';
    const amendedAway: LedgerEvent = {
      type: 'EntryReversed',
      data: {
        ...about,
        reason: 'amended',
        objectionId: '01890000-0000-7000-8000-0000000000b1',
        decidedBy: 'officer-zhou',
        reasons: 'a lighter rule fits',
      },
    } as LedgerEvent;
    const replacement: LedgerEvent = {
      type: 'EntryPosted',
      data: { ...theft, entryId: replacementId, points: -40, recordedBy: 'officer-zhou', amends: theft.entryId },
    };
    const repairAsked: LedgerEvent = {
      type: 'CreditRepairRequested',
      data: {
        subjectId: 's1',
        entryId: replacementId,
        repairId: '01890000-0000-7000-8000-0000000000c2',
        proof: [],
        requestedBy: 's1',
      },
    };
    return given([registered, posted, amendedAway, replacement, repairAsked], context)
      .when({
        type: 'DecideCreditRepair',
        subjectId: 's1',
        entryId: replacementId,
        decision: 'grant',
        reasons: 'paid',
        officerId: 'approver-wu',
      })
      .thenRefuses('separation-of-duties', { part: 'formerOfficial' });
  });

  it('is never decided by an official about themselves', () =>
    given([registered, posted, requested], asS1)
      .when({ type: 'DecideCreditRepair', ...about, decision: 'grant', reasons: 'paid', officerId: 'officer-zhou' })
      .thenRefuses('separation-of-duties'));

  it('is decided only when requested', () =>
    given([registered, posted], context)
      .when({
        type: 'DecideCreditRepair',
        ...about,
        decision: 'refuse',
        reasons: 'no proof',
        officerId: 'officer-zhou',
      })
      .thenRefuses('no-repair-requested'));
});
