import type { EntryPosted, LedgerEvent } from '../../src/events/ledgerEvents';
import { loadScheme, defaultSchemePath } from '../../src/ledger/schemeLoader';
import { createSchemeBook } from '../../src/ledger/schemeBook';
import type { RecordEntry } from '../../src/ledger/subject';
import { given } from '../support/deciderSpec';
import { authorityFor, evidenceOf } from '../support/ledgerService';

const scheme = loadScheme(defaultSchemePath());
const context = { now: new Date('2026-11-26T10:00:00Z'), schemes: createSchemeBook([scheme]) };

const personRegistered: LedgerEvent = {
  type: 'SubjectRegistered',
  data: { subjectId: 's1', kind: 'person', adultFrom: '2008-05-01', baseline: 1000, registeredBy: 'clerk' },
};

const recordEntry = (overrides: Partial<RecordEntry> = {}): RecordEntry => ({
  type: 'RecordEntry',
  entryId: '01890000-0000-7000-8000-000000000001',
  subjectId: 's1',
  ruleCode: 'TRF-TICKET',
  occurredAt: '2026-10-01T08:00:00Z',
  evidence: [evidenceOf('trafficTicket')],
  recordedBy: 'officer',
  authority: authorityFor(overrides.ruleCode ?? 'TRF-TICKET'),
  ...overrides,
});

const noticeOf = (entryId: string): LedgerEvent => ({
  type: 'SubjectNotified',
  data: { subjectId: 's1', entryId, notice: 'entryPosted' },
});

const ticketPosted: EntryPosted = {
  entryId: '01890000-0000-7000-8000-000000000001',
  subjectId: 's1',
  ruleCode: 'TRF-TICKET',
  direction: 'deduction',
  points: -5,
  severity: 'minor',
  occurredAt: '2026-10-01T08:00:00.000Z',
  effectiveUntil: '2027-10-01T08:00:00.000Z',
  evidence: [evidenceOf('trafficTicket')],
  schemeVersion: 'rongcheng-2021.1',
  recordedBy: 'officer',
  authority: 'traffic-police',
};

describe('registering a subject', () => {
  it('records a person with the day they came of age and the baseline of the scheme', () =>
    given([], context)
      .when({
        type: 'RegisterSubject',
        subjectId: 's1',
        kind: 'person',
        birthDate: '1990-05-01',
        registeredBy: 'clerk',
      })
      .then([
        {
          type: 'SubjectRegistered',
          data: { subjectId: 's1', kind: 'person', adultFrom: '2008-05-01', baseline: 1000, registeredBy: 'clerk' },
        },
      ]));

  it('records an organisation without any age', () =>
    given([], context)
      .when({ type: 'RegisterSubject', subjectId: 'o1', kind: 'organization', registeredBy: 'clerk' })
      .then([
        {
          type: 'SubjectRegistered',
          data: { subjectId: 'o1', kind: 'organization', baseline: 1000, registeredBy: 'clerk' },
        },
      ]));

  it('refuses a person who is not yet 18', () =>
    given([], context)
      .when({
        type: 'RegisterSubject',
        subjectId: 's1',
        kind: 'person',
        birthDate: '2008-11-27',
        registeredBy: 'clerk',
      })
      .thenRefuses('subject-under-age'));

  it('refuses someone born on 29 February on 28 February of a common year, a day before they come of age', () =>
    given([], { ...context, now: new Date('2026-02-28T12:00:00Z') })
      .when({
        type: 'RegisterSubject',
        subjectId: 's1',
        kind: 'person',
        birthDate: '2008-02-29',
        registeredBy: 'clerk',
      })
      .thenRefuses('subject-under-age'));

  it('records the day 18 years on as the day of coming of age, whatever the century of birth', () =>
    given([], context)
      .when({
        type: 'RegisterSubject',
        subjectId: 's1',
        kind: 'person',
        birthDate: '0042-05-01',
        registeredBy: 'clerk',
      })
      .then([
        {
          type: 'SubjectRegistered',
          // Not 1960-05-01: Date.UTC reads a year below 100 as 19xx.
          data: { subjectId: 's1', kind: 'person', adultFrom: '0060-05-01', baseline: 1000, registeredBy: 'clerk' },
        },
      ]));

  it('lets someone born on 29 February come of age on 1 March of a common year', () =>
    given([], { ...context, now: new Date('2026-03-01T02:00:00Z') })
      .when({
        type: 'RegisterSubject',
        subjectId: 's1',
        kind: 'person',
        birthDate: '2008-02-29',
        registeredBy: 'clerk',
      })
      .then([
        {
          type: 'SubjectRegistered',
          data: { subjectId: 's1', kind: 'person', adultFrom: '2026-03-01', baseline: 1000, registeredBy: 'clerk' },
        },
      ]));

  it('refuses to register the same subject twice', () =>
    given([personRegistered], context)
      .when({
        type: 'RegisterSubject',
        subjectId: 's1',
        kind: 'person',
        birthDate: '1990-05-01',
        registeredBy: 'clerk',
      })
      .thenRefuses('subject-already-registered'));
});

describe('recording an entry', () => {
  it('posts a fixed-points deduction judged under the scheme in force, effective for its severity', () =>
    given([personRegistered], context)
      .when(recordEntry())
      .then([{ type: 'EntryPosted', data: ticketPosted }, noticeOf(ticketPosted.entryId)]));

  it('only proposes a grade cap, with no points, for a second person to approve', () =>
    given([personRegistered], context)
      .when(recordEntry({ ruleCode: 'TRF-DUI', evidence: [evidenceOf('courtJudgment')] }))
      .then([
        {
          type: 'EntryProposed',
          data: {
            ...ticketPosted,
            ruleCode: 'TRF-DUI',
            authority: 'court',
            direction: 'gradeCap',
            points: 0,
            gradeCap: 'C',
            severity: 'serious',
            effectiveUntil: '2029-10-01T08:00:00.000Z',
            evidence: [evidenceOf('courtJudgment')],
          },
        },
      ]));

  it('lets a positive entry count for the positive effect period', () =>
    given([personRegistered], context)
      .when(recordEntry({ ruleCode: 'VOL-PROJECT', evidence: [evidenceOf('volunteerHoursCert')] }))
      .then([
        {
          type: 'EntryPosted',
          data: {
            ...ticketPosted,
            ruleCode: 'VOL-PROJECT',
            authority: 'village-committee',
            direction: 'addition',
            points: 2,
            effectiveUntil: '2029-10-01T08:00:00.000Z',
            evidence: [evidenceOf('volunteerHoursCert')],
          },
        },
        noticeOf(ticketPosted.entryId),
      ]));

  it('clamps an effect period that ends on a day the month lacks', () =>
    given([personRegistered], context)
      .when(recordEntry({ occurredAt: '2024-02-29T12:00:00Z' }))
      .then([
        {
          type: 'EntryPosted',
          data: { ...ticketPosted, occurredAt: '2024-02-29T12:00:00.000Z', effectiveUntil: '2025-02-28T12:00:00.000Z' },
        },
        noticeOf(ticketPosted.entryId),
      ]));

  it('is never made by an official about themselves, not even a positive one that posts at once', () =>
    given([personRegistered], { ...context, actorSubjectId: 's1' })
      .when(recordEntry({ ruleCode: 'CHR-DONATION', evidence: [evidenceOf('donationReceipt')] }))
      .thenRefuses('separation-of-duties', { part: 'subject' }));

  it('is made by an official whose token names another subject', () =>
    given([personRegistered], { ...context, actorSubjectId: 's2' })
      .when(recordEntry())
      .then([{ type: 'EntryPosted', data: ticketPosted }, noticeOf(ticketPosted.entryId)]));

  it('refuses an entry for a subject that is not registered', () =>
    given([], context).when(recordEntry()).thenRefuses('subject-not-found'));

  it('refuses a rule the scheme does not have', () =>
    given([personRegistered], context)
      .when(recordEntry({ ruleCode: 'FAM-SON-IN-ARMY' }))
      .thenRefuses('unknown-rule'));

  it("refuses a rule outside the recorder's authority", () =>
    given([personRegistered], context)
      .when(recordEntry({ authority: 'utility' }))
      .thenRefuses('outside-authority'));

  it('refuses evidence of a kind the rule does not allow', () =>
    given([personRegistered], context)
      .when(recordEntry({ evidence: [evidenceOf('witnessStatement')] }))
      .thenRefuses('evidence-kind-not-allowed'));

  it('refuses conduct in the future', () =>
    given([personRegistered], context)
      .when(recordEntry({ occurredAt: '2026-11-27T00:00:00Z' }))
      .thenRefuses('conduct-in-future'));

  it('refuses conduct before the subject came of age', () =>
    given([personRegistered], context)
      .when(recordEntry({ occurredAt: '2008-04-30T23:59:59Z' }))
      .thenRefuses('conduct-before-adulthood'));

  it('refuses conduct before the first scheme version', () =>
    given([personRegistered], context)
      .when(recordEntry({ occurredAt: '2021-06-17T23:59:59Z' }))
      .thenRefuses('no-scheme-in-force'));

  it('refuses points on a rule with fixed points', () =>
    given([personRegistered], context)
      .when(recordEntry({ points: -5 }))
      .thenRefuses('points-not-allowed'));

  it('refuses points outside a range', () =>
    given([personRegistered], context)
      .when(
        recordEntry({
          ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
          points: -51,
          narrative: 'why',
          evidence: [evidenceOf('courtJudgment')],
        }),
      )
      .thenRefuses('points-out-of-range'));

  it('refuses a range without points', () =>
    given([personRegistered], context)
      .when(
        recordEntry({ ruleCode: 'COM-OTHER-UNTRUSTWORTHY', narrative: 'why', evidence: [evidenceOf('courtJudgment')] }),
      )
      .thenRefuses('points-required'));

  it('refuses points from a range without a narrative', () =>
    given([personRegistered], context)
      .when(recordEntry({ ruleCode: 'COM-OTHER-UNTRUSTWORTHY', points: -20, evidence: [evidenceOf('courtJudgment')] }))
      .thenRefuses('narrative-required'));
});

describe("a rule's cap per period", () => {
  /** Each donation has its own receipt. */
  const receiptOf = (entryId: string) => evidenceOf('donationReceipt', `R-${entryId}`);
  const donation = (occurredAt: string, entryId: string): LedgerEvent => ({
    type: 'EntryPosted',
    data: {
      ...ticketPosted,
      entryId,
      ruleCode: 'CHR-DONATION',
      authority: 'charity-federation',
      direction: 'addition',
      points: 30,
      severity: 'general',
      occurredAt,
      evidence: [receiptOf(entryId)],
    },
  });
  const donate = (occurredAt: string) =>
    recordEntry({ ruleCode: 'CHR-DONATION', occurredAt, evidence: [receiptOf(ticketPosted.entryId)] });

  it('refuses a donation within 12 months after a capped one', () =>
    given([personRegistered, donation('2026-01-01T00:00:00.000Z', 'd1')], context)
      .when(donate('2026-11-01T00:00:00Z'))
      .thenRefuses('period-cap-exceeded'));

  it('refuses a donation recorded late that falls within 12 months before a capped one', () =>
    given([personRegistered, donation('2026-06-01T00:00:00.000Z', 'd1')], context)
      .when(donate('2025-09-01T00:00:00Z'))
      .thenRefuses('period-cap-exceeded'));

  it('accepts a donation more than 12 months from any other', () =>
    given([personRegistered, donation('2026-06-01T00:00:00.000Z', 'd1')], context)
      .when(donate('2025-05-31T00:00:00Z'))
      .then([
        {
          type: 'EntryPosted',
          data: {
            ...(donation('2025-05-31T00:00:00.000Z', ticketPosted.entryId).data as EntryPosted),
            effectiveUntil: '2028-05-31T00:00:00.000Z',
          },
        },
        noticeOf(ticketPosted.entryId),
      ]));
});

describe('one document behind one entry of a subject', () => {
  const judgment = evidenceOf('courtJudgment', '(2026) Lu 1082 Min Chu 77');
  /** Another hash than the judgment's: a rescan, or a digit mistyped. */
  const otherHash = evidenceOf('courtJudgment', 'a rescan').sha256;
  const held = '01890000-0000-7000-8000-0000000000e1';
  const breach: EntryPosted = {
    ...ticketPosted,
    entryId: held,
    ruleCode: 'COM-CONTRACT-BREACH',
    points: -20,
    severity: 'general',
    effectiveUntil: '2029-10-01T08:00:00.000Z',
    evidence: [judgment],
    recordedBy: 'clerk-sun',
    authority: 'court',
  };
  const about = { subjectId: 's1', entryId: held };
  const breachPosted: LedgerEvent = { type: 'EntryPosted', data: breach };
  const breachReversed: LedgerEvent = {
    type: 'EntryReversed',
    data: { ...about, reason: 'objectionReversed', decidedBy: 'officer-zhou', reasons: 'the judgment was annulled' },
  };
  const recordBreach = (evidence = [judgment]) => recordEntry({ ruleCode: 'COM-CONTRACT-BREACH', evidence });

  it('refuses a judgment that already stands behind a posted entry, naming that entry', () =>
    given([personRegistered, breachPosted], context)
      .when(recordBreach())
      .thenRefuses('evidence-already-used', { entryId: held, documentNumber: judgment.documentNumber }));

  it('refuses the same issuer and document number under another hash', () =>
    given([personRegistered, breachPosted], context)
      .when(recordBreach([{ ...judgment, sha256: otherHash }]))
      .thenRefuses('evidence-already-used'));

  it('refuses the same content under another issuer and number', () =>
    given([personRegistered, breachPosted], context)
      .when(recordBreach([{ ...judgment, issuer: 'Weihai Intermediate Court', documentNumber: 'W-1' }]))
      .thenRefuses('evidence-already-used'));

  it('reads issuer and number as written: case, runs of spaces and full-width brackets aside', () =>
    given([personRegistered, breachPosted], context)
      .when(
        recordBreach([
          {
            ...judgment,
            sha256: otherHash,
            issuer: ' RONGCHENG issuing  authority',
            documentNumber: '（2026） LU 1082 Min  Chu 77',
          },
        ]),
      )
      .thenRefuses('evidence-already-used'));

  it('refuses a document behind one of several the new entry carries', () =>
    given([personRegistered, breachPosted], context)
      .when(recordBreach([evidenceOf('arbitralAward', 'A-9'), judgment]))
      .thenRefuses('evidence-already-used', { entryId: held }));

  it("refuses a document behind an entry still waiting for a second person's approval", () =>
    given(
      [
        personRegistered,
        {
          type: 'EntryProposed',
          data: { ...breach, ruleCode: 'COM-OTHER-UNTRUSTWORTHY', points: -40, narrative: 'a large unpaid loan' },
        },
      ],
      context,
    )
      .when(recordBreach())
      .thenRefuses('evidence-already-used', { entryId: held }));

  it('keeps the documents of a reversed entry, which reinstatement may bring back', () =>
    given([personRegistered, breachPosted, breachReversed], context)
      .when(recordBreach())
      .thenRefuses('evidence-already-used', { entryId: held }));

  it('keeps a document an entry carried before it was reinstated with another', () =>
    given(
      [
        personRegistered,
        breachPosted,
        breachReversed,
        {
          type: 'EntryReinstated',
          data: {
            ...about,
            evidence: [evidenceOf('courtJudgment', '(2026) Lu 1082 Min Zai 3')],
            reinstatedBy: 'clerk-sun',
            reasons: 'the retrial confirmed the breach',
          },
        },
      ],
      context,
    )
      .when(recordBreach())
      .thenRefuses('evidence-already-used', { entryId: held }));

  it('keeps the documents of an expired entry: the same conduct is not recorded twice', () =>
    given(
      [personRegistered, breachPosted, { type: 'EntryExpired', data: { ...about, expiredAt: breach.effectiveUntil } }],
      context,
    )
      .when(recordBreach())
      .thenRefuses('evidence-already-used', { entryId: held }));

  it('keeps the documents of an entry credit repair ended early', () =>
    given(
      [
        personRegistered,
        breachPosted,
        {
          type: 'CreditRepairGranted',
          data: {
            ...about,
            repairId: '01890000-0000-7000-8000-0000000000c1',
            grantedBy: 'officer-zhou',
            reasons: 'the debt was paid',
          },
        },
      ],
      context,
    )
      .when(recordBreach())
      .thenRefuses('evidence-already-used', { entryId: held }));

  it('names the entry an amendment posted, not the one it replaced, when both carry the document', () =>
    given(
      [
        personRegistered,
        breachPosted,
        { type: 'EntryReversed', data: { ...breachReversed.data, reason: 'amended' } } as LedgerEvent,
        {
          type: 'EntryPosted',
          data: {
            ...breach,
            entryId: '01890000-0000-7000-8000-0000000000e2',
            ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
            points: -10,
            narrative: 'the judgment found a smaller debt',
            amends: held,
          },
        },
      ],
      context,
    )
      .when(recordBreach())
      .thenRefuses('evidence-already-used', { entryId: '01890000-0000-7000-8000-0000000000e2' }));
});
