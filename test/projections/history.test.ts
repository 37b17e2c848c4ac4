import { positionFromNumber, type RecordedEvent } from '../../src/events/eventStore';
import { subjectStream, type EntryPosted, type LedgerEvent } from '../../src/events/ledgerEvents';
import { historyOf } from '../../src/projections/history';
import { evidenceOf } from '../support/ledgerService';

const entryId = '01890000-0000-7000-8000-0000000000a1';
const ticket: EntryPosted = {
  entryId,
  subjectId: 'wu',
  ruleCode: 'TRF-TICKET',
  direction: 'deduction',
  points: -5,
  severity: 'minor',
  occurredAt: '2025-01-05T08:00:00.000Z',
  effectiveUntil: '2026-01-05T08:00:00.000Z',
  evidence: [evidenceOf('trafficTicket', 'T-1')],
  schemeVersion: 'rongcheng-2021.1',
  recordedBy: 'police-ma',
  authority: 'traffic-police',
};
const registered: LedgerEvent = {
  type: 'SubjectRegistered',
  data: { subjectId: 'wu', kind: 'person', adultFrom: '2008-05-01', baseline: 1000, registeredBy: 'clerk' },
};
const posted: LedgerEvent = { type: 'EntryPosted', data: ticket };
const expired: LedgerEvent = {
  type: 'EntryExpired',
  data: { subjectId: 'wu', entryId, expiredAt: ticket.effectiveUntil },
};
const reversed: LedgerEvent = {
  type: 'EntryReversed',
  data: { subjectId: 'wu', entryId, reason: 'objectionReversed', decidedBy: 'officer-zhou', reasons: 'misread' },
};
const reinstated: LedgerEvent = {
  type: 'EntryReinstated',
  data: {
    subjectId: 'wu',
    entryId,
    evidence: [evidenceOf('trafficTicket', 'T-2')],
    reinstatedBy: 'police-ma',
    reasons: 'photo found',
  },
};
const reinstatementProposed: LedgerEvent = {
  type: 'EntryReinstatementProposed',
  data: {
    subjectId: 'wu',
    entryId,
    ruleCode: ticket.ruleCode,
    points: ticket.points,
    severity: ticket.severity,
    occurredAt: ticket.occurredAt,
    recordedBy: ticket.recordedBy,
    authority: ticket.authority,
    evidence: [evidenceOf('trafficTicket', 'T-2')],
    reinstatedBy: 'police-ma',
    reasons: 'photo found',
  },
};

/** The events in order, each recorded at the instant beside it. */
const recorded = (...steps: [LedgerEvent, string][]): RecordedEvent[] =>
  steps.map(
    ([event, at], index) =>
      ({
        ...event,
        id: `00000000-0000-7000-8000-${String(index + 1).padStart(12, '0')}`,
        metadata: { schemaVersion: 1, actorId: 'someone' },
        streamName: subjectStream('wu'),
        revision: BigInt(index),
        position: positionFromNumber(index + 1),
        recordedAt: new Date(at),
      }) as RecordedEvent,
  );
const balances = (events: RecordedEvent[]) =>
  historyOf(events, 'wu').map((item) => [item.type, item.points, item.balance]);

describe("a subject's history", () => {
  it('counts an entry while its effect lasts, and takes it away at its expiry', () =>
    expect(
      balances(
        recorded(
          [registered, '2025-01-01T00:00:00Z'],
          [posted, '2025-01-06T00:00:00Z'],
          [expired, '2026-01-05T09:00:00Z'],
        ),
      ),
    ).toEqual([
      ['SubjectRegistered', 0, 1000],
      ['EntryPosted', -5, 995],
      ['EntryExpired', 5, 1000],
    ]));

  it('adds nothing for an entry posted after its effect ended, as the score counts it, and takes nothing at its expiry', () =>
    expect(
      balances(
        recorded(
          [registered, '2025-01-01T00:00:00Z'],
          [posted, '2026-03-01T00:00:00Z'],
          [expired, '2026-03-01T00:01:00Z'],
        ),
      ),
    ).toEqual([
      ['SubjectRegistered', 0, 1000],
      ['EntryPosted', 0, 1000],
      ['EntryExpired', 0, 1000],
    ]));

  it('brings a reversed entry back at its reinstatement while its effect lasts', () =>
    expect(
      balances(
        recorded(
          [registered, '2025-01-01T00:00:00Z'],
          [posted, '2025-01-06T00:00:00Z'],
          [reversed, '2025-02-01T00:00:00Z'],
          [reinstated, '2025-03-01T00:00:00Z'],
        ),
      ).at(-1),
    ).toEqual(['EntryReinstated', -5, 995]));

  it('never brings back an expired entry that was then reversed and reinstated', () =>
    expect(
      balances(
        recorded(
          [registered, '2025-01-01T00:00:00Z'],
          [posted, '2025-01-06T00:00:00Z'],
          [expired, '2026-01-05T09:00:00Z'],
          [reversed, '2026-01-06T00:00:00Z'],
          [reinstated, '2026-01-07T00:00:00Z'],
        ),
      ).slice(-2),
    ).toEqual([
      ['EntryReversed', 0, 1000],
      ['EntryReinstated', 0, 1000],
    ]));

  it('counts nothing for a proposed reinstatement: the entry stays reversed until a second person approves it', () =>
    expect(
      balances(
        recorded(
          [registered, '2025-01-01T00:00:00Z'],
          [posted, '2025-01-06T00:00:00Z'],
          [reversed, '2025-02-01T00:00:00Z'],
          [reinstatementProposed, '2025-03-01T00:00:00Z'],
        ),
      ).slice(-2),
    ).toEqual([
      ['EntryReversed', 5, 1000],
      ['EntryReinstatementProposed', 0, 1000],
    ]));
});
