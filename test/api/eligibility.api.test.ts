import request from 'supertest';
import type { LedgerService } from '../../src/service';
import {
  approve,
  bearer,
  evidenceOf,
  fixedClock,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
  testNow,
  temporaryFolder,
  type Headers,
  type TestClock,
} from '../support/ledgerService';
import { join } from 'node:path';

let service: LedgerService;
let clock: TestClock;
let rail: Headers;
let heating: Headers;
let court: Headers;

beforeEach(async () => {
  clock = fixedClock();
  service = await openTestService({ clock });
  rail = {
    'X-API-Key': service.apiKeys.create({ consumer: 'rail', measures: ['NO_G_TRAIN'], perks: [] }, testNow).key,
  };
  heating = {
    'X-API-Key': service.apiKeys.create({ consumer: 'heating', measures: [], perks: ['HEATING_DISCOUNT'] }, testNow)
      .key,
  };
  court = await bearer(service, { subject: 'clerk-court', roles: ['recorder'], authority: 'court' });
  await registerPerson(service, 'li');
});
afterEach(() => service.close());

const ask = (subjectId: string, query: string, headers: Headers) =>
  request(service.app).get(`/v1/eligibility/${subjectId}?${query}`).set(headers);

const caughtUp = () => service.runner.catchUp(2_000);

const blacklist = async (body: Record<string, unknown>) => {
  const response = await request(service.app)
    .post('/v1/listings')
    .set(court)
    .send({
      list: 'blacklist',
      ground: 'ABLE_BUT_REFUSING',
      legalAct: evidenceOf('courtJudgment', 'ENF-1'),
      restrictions: ['NO_G_TRAIN'],
      ...body,
    });
  if (response.status !== 201) throw new Error(JSON.stringify(response.body));
  await caughtUp();
  return response.body as { listingId: string; until: string };
};

const register = async (body: Record<string, unknown>) => {
  const { clerk } = await signIn(service);
  await request(service.app).post('/v1/subjects').set(clerk).send(body).expect(201);
};

describe('eligibility for a restriction', () => {
  it('is granted, with nothing but the answer and a reason, when no listing restricts it', async () => {
    await caughtUp();
    const response = await ask('li', 'measure=NO_G_TRAIN', rail);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ eligible: true, reason: 'NOT_RESTRICTED' });
  });

  it('is refused while a blacklist listing restricts it', async () => {
    await blacklist({ subjectId: 'li' });
    expect((await ask('li', 'measure=NO_G_TRAIN', rail)).body).toEqual({
      eligible: false,
      reason: 'RESTRICTED_BY_LISTING',
    });
  });

  it('is refused to a named responsible person of a listed organisation', async () => {
    await register({ kind: 'organization', id: 'haiyang' });
    await blacklist({ subjectId: 'haiyang', responsiblePersons: ['li'] });
    expect((await ask('li', 'measure=NO_G_TRAIN', rail)).body).toEqual({
      eligible: false,
      reason: 'RESTRICTED_AS_RESPONSIBLE_PERSON',
    });
  });

  it('is granted again once the listing period has ended, before any removal is recorded', async () => {
    const { until } = await blacklist({ subjectId: 'li' });
    clock.set(new Date(until));
    expect((await ask('li', 'measure=NO_G_TRAIN', rail)).body).toEqual({ eligible: true, reason: 'NOT_RESTRICTED' });
  });

  it('is never refused for a low grade alone', async () => {
    for (const [index, occurredAt] of [
      '2026-01-05',
      '2026-02-05',
      '2026-03-05',
      '2026-04-05',
      '2026-05-05',
      '2026-06-05',
      '2026-07-05',
      '2026-08-05',
    ].entries()) {
      const proposed = await recordEntry(service, 'li', {
        ruleCode: 'PUB-EQUIPMENT-DAMAGE',
        occurredAt: `${occurredAt}T00:00:00Z`,
        evidence: [evidenceOf('adminPenaltyDecision', `AP-${index}`)],
      });
      await approve(service, proposed.body.entryId);
    }
    await caughtUp();
    const score = await request(service.app)
      .get('/v1/subjects/li/score')
      .set((await signIn(service)).auditor);
    expect(score.body.grade).toBe('D');
    expect((await ask('li', 'measure=NO_G_TRAIN', rail)).body).toEqual({ eligible: true, reason: 'NOT_RESTRICTED' });
  });
});

describe('eligibility for a perk', () => {
  const heroic = (occurredAt: string, number: string) => ({
    ruleCode: 'HRO-HEROIC-ACT',
    occurredAt,
    evidence: [evidenceOf('honourCertificate', number)],
  });

  it('is granted when the grade reaches the minimum', async () => {
    await recordEntry(service, 'li', heroic('2026-01-05T00:00:00Z', 'H-1'));
    await recordEntry(service, 'li', heroic('2026-02-05T00:00:00Z', 'H-2'));
    await caughtUp();
    expect((await ask('li', 'perk=HEATING_DISCOUNT', heating)).body).toEqual({
      eligible: true,
      reason: 'GRADE_QUALIFIES',
    });
  });

  it('is granted while the only thing that keeps the grade below the minimum is an entry under objection, without saying so', async () => {
    await recordEntry(service, 'li', heroic('2026-01-05T00:00:00Z', 'H-1'));
    await recordEntry(service, 'li', heroic('2026-02-05T00:00:00Z', 'H-2'));
    const ticket = await recordEntry(service, 'li', {
      ruleCode: 'PUB-FEES-LATE',
      occurredAt: '2026-03-01T08:00:00Z',
      evidence: [evidenceOf('utilityRecord', 'U-1')],
    });
    await caughtUp();
    expect((await ask('li', 'perk=HEATING_DISCOUNT', heating)).body).toEqual({
      eligible: false,
      reason: 'GRADE_BELOW_MINIMUM',
    });
    const resident = await bearer(service, { subject: 'li', roles: ['resident'], subjectId: 'li' });
    await request(service.app)
      .post('/v1/objections')
      .set(resident)
      .send({ subjectId: 'li', entryId: ticket.body.entryId, grounds: 'the bill was paid on time' })
      .expect(201);
    await caughtUp();
    expect((await ask('li', 'perk=HEATING_DISCOUNT', heating)).body).toEqual({
      eligible: true,
      reason: 'GRADE_QUALIFIES',
    });
  });

  it('is refused below the minimum grade', async () => {
    await caughtUp();
    expect((await ask('li', 'perk=HEATING_DISCOUNT', heating)).body).toEqual({
      eligible: false,
      reason: 'GRADE_BELOW_MINIMUM',
    });
  });

  it('is refused when a grade cap holds the grade below the minimum, whatever the points', async () => {
    await recordEntry(service, 'li', heroic('2026-01-05T00:00:00Z', 'H-1'));
    await recordEntry(service, 'li', heroic('2026-02-05T00:00:00Z', 'H-2'));
    const dui = await recordEntry(service, 'li', {
      ruleCode: 'TRF-DUI',
      occurredAt: '2026-03-01T22:00:00Z',
      evidence: [evidenceOf('courtJudgment', 'DUI-1')],
    });
    await approve(service, dui.body.entryId);
    await caughtUp();
    expect((await ask('li', 'perk=HEATING_DISCOUNT', heating)).body).toEqual({
      eligible: false,
      reason: 'GRADE_BELOW_MINIMUM',
    });
  });
});

describe('an eligibility question', () => {
  it('outside the purposes of the key is refused with 403', async () => {
    const response = await ask('li', 'perk=HEATING_DISCOUNT', rail);
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/outside-purpose');
  });

  it('from a person rather than a consumer is refused with 403', async () => {
    const response = await ask('li', 'measure=NO_G_TRAIN', (await signIn(service)).auditor);
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/forbidden');
  });

  it('about an unknown subject answers 404', async () => {
    expect((await ask('nobody', 'measure=NO_G_TRAIN', rail)).status).toBe(404);
  });

  it('must ask about exactly one restriction or perk', async () => {
    expect((await ask('li', 'measure=NO_G_TRAIN&perk=HEATING_DISCOUNT', rail)).status).toBe(400);
    expect((await ask('li', '', rail)).status).toBe(400);
  });

  it('about a restriction outside the closed list is refused with 400', async () => {
    expect((await ask('li', 'measure=NO_OPINIONS', rail)).status).toBe(400);
  });

  it("is recorded once in the subject's access log, with the purpose eligibility", async () => {
    const folder = temporaryFolder();
    const dbPath = join(folder.path, 'eligibility.db');
    const first = await openTestService({ dbPath });
    await registerPerson(first, 'li');
    await first.runner.catchUp(2_000);
    const key = first.apiKeys.create({ consumer: 'rail', measures: ['NO_G_TRAIN'], perks: [] }, testNow).key;
    await request(first.app).get('/v1/eligibility/li?measure=NO_G_TRAIN').set('X-API-Key', key).expect(200);
    await first.close();
    const second = await openTestService({ dbPath });
    await second.runner.catchUp(2_000);
    const log = await request(second.app)
      .get('/v1/subjects/li/access-log')
      .set(await bearer(second, { subject: 'li', roles: ['resident'], subjectId: 'li' }));
    expect(log.body.items).toEqual([
      expect.objectContaining({ viewerRoles: ['consumer'], purpose: 'eligibility', what: 'eligibility' }),
    ]);
    await second.close();
    folder.remove();
  });
});
