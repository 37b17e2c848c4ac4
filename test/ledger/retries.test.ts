import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import { createLedger, type Ledger } from '../../src/ledger/ledger';
import { createListings, type Listings } from '../../src/ledger/listings';
import { publishScheme } from '../../src/ledger/schemePublication';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { chinaUntil2026 } from '../support/calendars';
import { evidenceOf, fixedClock } from '../support/ledgerService';

/**
 * A command retried under its idempotency key answers what it did the first time, whatever later commands did to the
 * same entry or listing since: its answer is taken from the state it left, not from the state now.
 */

let ledger: Ledger;
let listings: Listings;

beforeEach(async () => {
  const store = createInMemoryEventStore();
  const clock = fixedClock();
  const schemes = await publishScheme(store, loadScheme(defaultSchemePath()), clock(), 'system');
  ledger = createLedger({ store, schemes, clock });
  listings = createListings({ store, schemes, calendar: chinaUntil2026(), clock });
  await ledger.registerSubject(
    { subjectId: 'li', kind: 'person', birthDate: '1980-01-01' },
    { idempotencyKey: 'register', actorId: 'clerk' },
  );
});

const police = (idempotencyKey: string) => ({ idempotencyKey, actorId: 'officer-7', authority: 'traffic-police' });
const court = (idempotencyKey: string) => ({ idempotencyKey, actorId: 'judge-sun', authority: 'court' });
const officer = (idempotencyKey: string) => ({ idempotencyKey, actorId: 'officer-zhou' });

it('answers a reinstatement retried after the entry was reversed again: reinstated', async () => {
  const { entryId } = await ledger.recordEntry(
    {
      subjectId: 'li',
      ruleCode: 'TRF-TICKET',
      occurredAt: '2026-10-01T08:00:00Z',
      evidence: [evidenceOf('trafficTicket')],
    },
    police('record'),
  );
  const reverse = (key: string) =>
    ledger.reverseEntry({ subjectId: 'li', entryId, reason: 'unverifiable', reasons: 'No photo.' }, officer(key));
  const reinstate = () =>
    ledger.reinstateEntry(
      { subjectId: 'li', entryId, evidence: [evidenceOf('trafficTicket', 'T-2')], reasons: 'The photo was found.' },
      police('reinstate'),
    );
  await reverse('reverse-1');
  const first = await reinstate();
  await reverse('reverse-2');
  expect(first.status).toBe('reinstated');
  expect(await reinstate()).toEqual({ ...first, replayed: true });
});

it('answers a recording retried after its approval: pending, as it was', async () => {
  const record = () =>
    ledger.recordEntry(
      {
        subjectId: 'li',
        ruleCode: 'COM-SUED-BREACH',
        occurredAt: '2026-10-01T08:00:00Z',
        evidence: [evidenceOf('courtJudgment', 'J-1')],
      },
      court('record'),
    );
  const first = await record();
  await ledger.decideApproval(
    { subjectId: 'li', entryId: first.entryId, decision: 'approve' },
    { idempotencyKey: 'approve', actorId: 'approver-wu' },
  );
  expect(first.status).toBe('pending');
  expect(await record()).toEqual({ ...first, replayed: true });
});

it('answers a listing retried after its extension: the end it was added with', async () => {
  const add = () =>
    listings.addListing(
      {
        list: 'blacklist',
        subjectId: 'li',
        ground: 'ABLE_BUT_REFUSING',
        legalAct: evidenceOf('courtJudgment', 'ENF-1'),
        restrictions: ['NO_FLIGHT'],
      },
      court('add'),
    );
  const first = await add();
  await listings.extendListing(
    { listingId: first.listingId, months: 12, legalAct: evidenceOf('courtJudgment', 'ENF-2') },
    court('extend'),
  );
  expect(await add()).toEqual({ ...first, replayed: true });
});
