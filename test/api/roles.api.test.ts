import request from 'supertest';
import type { Role } from '../../src/api/auth/permissions';
import type { LedgerService } from '../../src/service';
import {
  bearer,
  evidenceOf,
  openTestService,
  registerPerson,
  testNow,
  type Headers,
  ledgerHead,
} from '../support/ledgerService';

/**
 * Every route for every role: allowed, or refused with 401, 403 or 404 and nothing written. The table
 * below is the specification, written out by hand rather than derived from the permission table.
 */

let service: LedgerService;
let credentials: Record<Role | 'nobody', Headers>;
let listingId: string;
let counter = 0;

const ticket = () => ({
  ruleCode: 'COM-CONTRACT-BREACH',
  occurredAt: '2026-10-01T08:00:00Z',
  evidence: [evidenceOf('courtJudgment', `J-${(counter += 1)}`)],
});
const listing = () => ({
  list: 'blacklist',
  subjectId: 'li',
  ground: 'ABLE_BUT_REFUSING',
  legalAct: evidenceOf('courtJudgment', `ENF-${(counter += 1)}`),
  restrictions: ['NO_FLIGHT'],
});

beforeAll(async () => {
  service = await openTestService();
  await registerPerson(service, 'wang');
  await registerPerson(service, 'li');
  const person = (subject: string, roles: Role[], extra: Record<string, string> = {}) =>
    bearer(service, { subject, roles, ...extra });
  credentials = {
    nobody: {},
    resident: await person('wang', ['resident'], { subjectId: 'wang' }),
    recorder: await person('clerk-court', ['recorder'], { authority: 'court' }),
    approver: await person('approver-1', ['approver']),
    appealOfficer: await person('officer-1', ['appealOfficer']),
    seniorAppealOfficer: await person('senior-officer-1', ['seniorAppealOfficer']),
    auditor: await person('auditor-1', ['auditor']),
    operator: await person('operator-1', ['operator']),
    consumer: {
      'X-API-Key': service.apiKeys.create({ consumer: 'rail', measures: ['NO_FLIGHT'], perks: [] }, testNow).key,
    },
  };
  const added = await request(service.app).post('/v1/listings').set(credentials.recorder).send(listing());
  listingId = added.body.listingId;
  await service.runner.catchUp(2_000);
});
afterAll(() => service.close());

type Call = (headers: Headers) => request.Test;

interface RouteSpec {
  route: string;
  call: Call;
  allowed: readonly Role[];
  /** The status of an allowed call; 200 unless said. */
  status?: number;
  write?: boolean;
}

const app = () => request(service.app);
const readers: Role[] = ['recorder', 'approver', 'appealOfficer', 'auditor'];

const routes: RouteSpec[] = [
  {
    route: 'POST /v1/subjects',
    call: (h) => app().post('/v1/subjects').set(h).send({ kind: 'organization' }),
    allowed: ['recorder'],
    status: 201,
    write: true,
  },
  { route: 'GET /v1/subjects/{id}', call: (h) => app().get('/v1/subjects/li').set(h), allowed: readers },
  {
    route: 'POST /v1/subjects/{id}/entries',
    call: (h) => app().post('/v1/subjects/li/entries').set(h).send(ticket()),
    allowed: ['recorder'],
    status: 201,
    write: true,
  },
  {
    route: 'GET /v1/subjects/{id}/score',
    call: (h) => app().get('/v1/subjects/li/score').set(h),
    allowed: ['approver', 'appealOfficer', 'auditor'],
  },
  {
    route: 'GET /v1/subjects/{id}/history',
    call: (h) => app().get('/v1/subjects/li/history').set(h),
    allowed: ['approver', 'appealOfficer', 'auditor'],
  },
  {
    route: 'GET /v1/subjects/{id}/access-log',
    call: (h) => app().get('/v1/subjects/li/access-log').set(h),
    allowed: ['auditor'],
  },
  {
    route: 'GET /v1/access-log',
    call: (h) => app().get('/v1/access-log?viewer=auditor-1').set(h),
    allowed: ['auditor'],
  },
  {
    route: 'POST /v1/listings',
    call: (h) => app().post('/v1/listings').set(h).send(listing()),
    allowed: ['recorder'],
    status: 201,
    write: true,
  },
  {
    route: 'POST /v1/listings/{id}/extension',
    call: (h) =>
      app()
        .post(`/v1/listings/${listingId}/extension`)
        .set(h)
        .send({ months: 12, legalAct: evidenceOf('courtJudgment', `EXT-${(counter += 1)}`) }),
    allowed: ['recorder'],
    write: true,
  },
  { route: 'GET /v1/blacklist', call: (h) => app().get('/v1/blacklist').set(h), allowed: ['recorder', 'auditor'] },
  { route: 'GET /v1/redlist', call: (h) => app().get('/v1/redlist').set(h), allowed: ['recorder', 'auditor'] },
  {
    route: 'GET /v1/listings/removals-overdue',
    call: (h) => app().get('/v1/listings/removals-overdue').set(h),
    allowed: ['recorder', 'auditor'],
  },
  {
    route: 'GET /v1/eligibility/{id}',
    call: (h) => app().get('/v1/eligibility/li?measure=NO_FLIGHT').set(h),
    allowed: ['consumer'],
  },
  { route: 'GET /v1/metrics', call: (h) => app().get('/v1/metrics').set(h), allowed: ['auditor', 'operator'] },
  {
    route: 'POST /v1/listings/{id}/removal-request',
    call: (h) =>
      app()
        .post(`/v1/listings/${listingId}/removal-request`)
        .set(h)
        .send({
          reason: 'obligationPerformed',
          triggeredAt: '2026-11-26T10:00:00Z',
          evidence: [evidenceOf('courtJudgment', 'PAID-1')],
        }),
    allowed: ['recorder'],
    status: 202,
    write: true,
  },
  {
    route: 'POST /v1/listings/{id}/removal',
    call: (h) =>
      app()
        .post(`/v1/listings/${listingId}/removal`)
        .set(h)
        .send({ reason: 'obligationPerformed', triggeredAt: '2026-11-26T10:00:00Z' }),
    allowed: ['recorder'],
    write: true,
  },
];

/** Routes about one subject, where a resident may reach their own record: another's answers 404. */
const ownRecordRoutes: { route: string; own: Call; other: Call }[] = [
  {
    route: 'GET /v1/subjects/{id}',
    own: (h) => app().get('/v1/subjects/wang').set(h),
    other: (h) => app().get('/v1/subjects/li').set(h),
  },
  {
    route: 'GET /v1/subjects/{id}/score',
    own: (h) => app().get('/v1/subjects/wang/score').set(h),
    other: (h) => app().get('/v1/subjects/li/score').set(h),
  },
  {
    route: 'GET /v1/subjects/{id}/history',
    own: (h) => app().get('/v1/subjects/wang/history').set(h),
    other: (h) => app().get('/v1/subjects/li/history').set(h),
  },
  {
    route: 'GET /v1/subjects/{id}/access-log',
    own: (h) => app().get('/v1/subjects/wang/access-log').set(h),
    other: (h) => app().get('/v1/subjects/li/access-log').set(h),
  },
];

const everyone: (Role | 'nobody')[] = [
  'nobody',
  'resident',
  'recorder',
  'approver',
  'appealOfficer',
  'auditor',
  'consumer',
  'operator',
];
const ownRouteNames = new Set(ownRecordRoutes.map((spec) => spec.route));

const cases = routes.flatMap((spec) => everyone.map((who) => [spec.route, who, spec] as const));

describe.each(cases)('%s as %s', (_route, who, spec) => {
  const allowed = who !== 'nobody' && spec.allowed.includes(who);
  const expected =
    who === 'nobody'
      ? 401
      : allowed
        ? (spec.status ?? 200)
        : who === 'resident' && ownRouteNames.has(spec.route)
          ? 404
          : 403;

  it(
    allowed ? `is allowed (${expected})` : `is refused with ${expected}${spec.write ? ', writing nothing' : ''}`,
    async () => {
      const before = ledgerHead(service);
      const response = await spec.call(credentials[who]);
      expect(response.status).toBe(expected);
      if (!allowed && spec.write) expect(ledgerHead(service)).toBe(before);
      if (!allowed) expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    },
  );
});

describe.each(ownRecordRoutes)('$route as the resident whose record it is', ({ own }) => {
  it('is allowed', async () => {
    expect((await own(credentials.resident)).status).toBe(200);
  });
});

describe('GET /v1/scheme', () => {
  it('is public', async () => {
    expect((await app().get('/v1/scheme')).status).toBe(200);
  });
});
