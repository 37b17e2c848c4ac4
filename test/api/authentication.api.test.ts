import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { localSigningKeys } from '../../src/api/auth/localSecrets';
import type { Role } from '../../src/api/auth/permissions';
import type { LedgerService } from '../../src/service';
import { bearer, fixedClock, openTestService, registerPerson, testNow, type TestClock } from '../support/ledgerService';

let service: LedgerService;
let clock: TestClock;

beforeEach(async () => {
  clock = fixedClock();
  service = await openTestService({ clock });
  await registerPerson(service, 'wang');
  await service.runner.catchUp(2_000);
});
afterEach(() => service.close());

const scoreOf = (subjectId: string, headers: Record<string, string>) =>
  request(service.app).get(`/v1/subjects/${subjectId}/score`).set(headers);

const nowSeconds = () => Math.floor(testNow.getTime() / 1000);

/** A token signed with the ledger's own key, with claims a test chooses. */
const signed = (claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
  build(
    new SignJWT({ roles: ['auditor'], ...claims })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('auditor-chen')
      .setIssuer('credit-ledger')
      .setAudience('credit-ledger-api')
      .setIssuedAt(nowSeconds())
      .setExpirationTime(nowSeconds() + 600),
  ).sign(localSigningKeys(service.db, testNow).privateKey);

const expectUnauthenticated = async (headers: Record<string, string>, detail: RegExp) => {
  const response = await scoreOf('wang', headers);
  expect(response.status).toBe(401);
  expect(response.body.type).toBe('/problems/unauthenticated');
  expect(response.body.detail).toMatch(detail);
};

describe('a bearer token', () => {
  it('signed by the ledger for a role is accepted', async () => {
    expect((await scoreOf('wang', { Authorization: `Bearer ${await signed({})}` })).status).toBe(200);
  });

  it('is required: none answers 401 with a Bearer challenge', async () => {
    const response = await scoreOf('wang', {});
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="credit-ledger"');
  });

  it('is refused once expired', async () => {
    const headers = await bearer(service, { roles: ['auditor'] });
    clock.set(new Date(testNow.getTime() + 3601_000));
    await expectUnauthenticated(headers, /exp/);
  });

  it('accepted once (and remembered) is still refused once expired', async () => {
    const headers = await bearer(service, { roles: ['auditor'] });
    expect((await scoreOf('wang', headers)).status).toBe(200);
    clock.set(new Date(testNow.getTime() + 3601_000));
    await expectUnauthenticated(headers, /exp/);
  });

  it('is refused with another audience', async () => {
    await expectUnauthenticated(
      { Authorization: `Bearer ${await signed({}, (jwt) => jwt.setAudience('heating-portal'))}` },
      /aud/,
    );
  });

  it('is refused from another issuer', async () => {
    await expectUnauthenticated(
      { Authorization: `Bearer ${await signed({}, (jwt) => jwt.setIssuer('someone-else'))}` },
      /iss/,
    );
  });

  it('is refused without an expiry', async () => {
    const token = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('auditor-chen')
      .setIssuer('credit-ledger')
      .setAudience('credit-ledger-api')
      .setIssuedAt(nowSeconds())
      .sign(localSigningKeys(service.db, testNow).privateKey);
    await expectUnauthenticated({ Authorization: `Bearer ${token}` }, /exp/);
  });

  it('is refused without the time it was issued (iat)', async () => {
    const token = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('auditor-chen')
      .setIssuer('credit-ledger')
      .setAudience('credit-ledger-api')
      .setExpirationTime(nowSeconds() + 600)
      .sign(localSigningKeys(service.db, testNow).privateKey);
    await expectUnauthenticated({ Authorization: `Bearer ${token}` }, /iat/);
  });

  it('is refused more than 30 days after it was issued, whatever its expiry says', async () => {
    const longLived = await signed({}, (jwt) => jwt.setExpirationTime(nowSeconds() + 365 * 24 * 60 * 60));
    expect((await scoreOf('wang', { Authorization: `Bearer ${longLived}` })).status).toBe(200);
    clock.set(new Date(testNow.getTime() + 31 * 24 * 60 * 60 * 1000));
    await expectUnauthenticated({ Authorization: `Bearer ${longLived}` }, /iat|age/);
  });

  it('is refused when tampered with', async () => {
    const [header, , signature] = (await signed({})).split('.');
    const payload = Buffer.from(
      JSON.stringify({
        roles: ['auditor'],
        sub: 'mallory',
        iss: 'credit-ledger',
        aud: 'credit-ledger-api',
        exp: nowSeconds() + 600,
      }),
    ).toString('base64url');
    await expectUnauthenticated({ Authorization: `Bearer ${header}.${payload}.${signature}` }, /signature/);
  });

  it('is refused when signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const token = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('mallory')
      .setIssuer('credit-ledger')
      .setAudience('credit-ledger-api')
      .setExpirationTime(nowSeconds() + 600)
      .sign(privateKey);
    await expectUnauthenticated({ Authorization: `Bearer ${token}` }, /signature/);
  });

  it('is refused with another algorithm', async () => {
    const token = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('credit-ledger')
      .setAudience('credit-ledger-api')
      .setExpirationTime(nowSeconds() + 600)
      .sign(new Uint8Array(32));
    await expectUnauthenticated({ Authorization: `Bearer ${token}` }, /alg/);
  });

  it('is refused unsigned (alg none)', async () => {
    const token = new UnsecuredJWT({ roles: ['auditor'] })
      .setSubject('mallory')
      .setIssuer('credit-ledger')
      .setAudience('credit-ledger-api')
      .setExpirationTime(nowSeconds() + 600)
      .encode();
    await expectUnauthenticated({ Authorization: `Bearer ${token}` }, /alg|JWS|token/i);
  });

  it('is refused when it names no known role', async () => {
    await expectUnauthenticated({ Authorization: `Bearer ${await signed({ roles: ['superuser'] })}` }, /role/);
  });

  it('is refused for the consumer role, which authenticates with an API key', async () => {
    await expectUnauthenticated({ Authorization: `Bearer ${await signed({ roles: ['consumer'] })}` }, /API key/);
  });

  it('is refused for a resident when it names no subjectId', async () => {
    await expectUnauthenticated({ Authorization: `Bearer ${await signed({ roles: ['resident'] })}` }, /subjectId/);
  });

  it('is refused for a recorder when it names no authority', async () => {
    await expectUnauthenticated({ Authorization: `Bearer ${await signed({ roles: ['recorder'] })}` }, /authority/);
  });

  it.each<[Role[], string, RegExp]>([
    [['resident'], 'li', /subjectId/],
    [['recorder'], 'police-ma', /authority/],
    [['auditor'], 'not an id', /subject must match/],
  ])('is not minted when the ledger would refuse it (%j, %s)', async (roles, subject, reason) => {
    await expect(service.mintToken?.({ subject, roles, lifetimeSeconds: 600 })).rejects.toThrow(reason);
  });

  it('is refused together with an API key', async () => {
    const headers = { ...(await bearer(service, { roles: ['auditor'] })), 'X-API-Key': 'ck_0000000000000000_x' };
    await expectUnauthenticated(headers, /not both/);
  });
});

describe('an API key', () => {
  const grant = { consumer: 'rail ticketing', measures: ['NO_G_TRAIN'], perks: [] };

  it('identifies a consumer, who may not read scores', async () => {
    const { key } = service.apiKeys.create(grant, testNow);
    const response = await scoreOf('wang', { 'X-API-Key': key });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/forbidden');
  });

  it('is refused when unknown', async () => {
    await expectUnauthenticated({ 'X-API-Key': `ck_0123456789abcdef_${'a'.repeat(43)}` }, /unknown or revoked/);
  });

  it('is refused with a wrong secret', async () => {
    const { key } = service.apiKeys.create(grant, testNow);
    await expectUnauthenticated(
      { 'X-API-Key': `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` },
      /unknown or revoked/,
    );
  });

  it('is refused once revoked', async () => {
    const { id, key } = service.apiKeys.create(grant, testNow);
    service.apiKeys.revoke(id, testNow);
    await expectUnauthenticated({ 'X-API-Key': key }, /unknown or revoked/);
  });

  it('is stored only as a hash', () => {
    const { id, key } = service.apiKeys.create(grant, testNow);
    // The secret is base64url, which may itself contain '_'.
    const secret = key.slice(`ck_${id}_`.length);
    const rows = JSON.stringify(service.db.prepare('SELECT * FROM api_keys').all());
    expect(rows).not.toContain(secret);
  });
});

describe('a resident', () => {
  it('reads their own score', async () => {
    const response = await scoreOf('wang', await bearer(service, { roles: ['resident'], subjectId: 'wang' }));
    expect(response.status).toBe(200);
  });

  it("gets 404 for another subject's score, as if it did not exist", async () => {
    await registerPerson(service, 'li');
    const response = await scoreOf('li', await bearer(service, { roles: ['resident'], subjectId: 'wang' }));
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('/problems/subject-not-found');
  });
});
