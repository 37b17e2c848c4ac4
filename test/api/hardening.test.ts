import request from 'supertest';
import {
  bodyDepthMax,
  limitBodyDepth,
  rateLimitFailedAuthentication,
  rateLimitPerPrincipal,
} from '../../src/api/hardening';
import { approver, as, auditor, authenticateFromTestHeader, testApp } from '../support/testPrincipals';

/** A JSON array nested `depth` deep, as text, so that building it never recurses. */
const nestedArrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('the body depth limit', () => {
  const app = testApp(
    (app) => {
      app.use(limitBodyDepth());
      app.post('/v1/echo', (_req, res) => {
        res.status(204).end();
      });
    },
    { bodyLimit: '1mb' },
  );
  const post = (body: string) => request(app).post('/v1/echo').set('Content-Type', 'application/json').send(body);

  it('accepts a body nested as deep as the bound', async () => {
    expect((await post(nestedArrays(bodyDepthMax))).status).toBe(204);
  });

  it('refuses a body nested deeper than the bound with 400 body-too-deep', async () => {
    const response = await post(JSON.stringify({ a: JSON.parse(nestedArrays(bodyDepthMax)) }));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/body-too-deep', depthMax: bodyDepthMax });
  });

  it('refuses a body nested a hundred thousand deep without exhausting the stack', async () => {
    const response = await post(nestedArrays(100_000));
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/body-too-deep');
  });
});

describe('the rate limit per principal', () => {
  const limitedApp = () =>
    testApp((app) => {
      app.use(authenticateFromTestHeader);
      app.use(rateLimitPerPrincipal({ limitPerMinute: 2 }));
      app.get('/v1/ping', (_req, res) => {
        res.json({ ok: true });
      });
    });

  it('answers 429 with Retry-After, the RateLimit headers and a problem once a principal is over it', async () => {
    const app = limitedApp();
    await request(app).get('/v1/ping').set(as(auditor));
    await request(app).get('/v1/ping').set(as(auditor));
    const refused = await request(app).get('/v1/ping').set(as(auditor));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers.ratelimit).toMatch(/r=0/);
    expect(refused.headers['ratelimit-policy']).toMatch(/q=2; w=60/);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: '/problems/rate-limited', status: 429 });
  });

  it('counts each principal on its own', async () => {
    const app = limitedApp();
    await request(app).get('/v1/ping').set(as(auditor));
    await request(app).get('/v1/ping').set(as(auditor));
    expect((await request(app).get('/v1/ping').set(as(approver))).status).toBe(200);
  });

  it('refuses a limit that is not a whole number of requests', () => {
    expect(() => rateLimitPerPrincipal({ limitPerMinute: 0.5 })).toThrow(RangeError);
  });
});

describe('the failed authentication limit', () => {
  const limitedApp = () =>
    testApp((app) => {
      app.use(rateLimitFailedAuthentication({ limitPerMinute: 2 }));
      app.use(authenticateFromTestHeader);
      app.get('/v1/ping', (_req, res) => {
        res.json({ ok: true });
      });
    });

  it('refuses an address with 429 once it failed too often, even with valid credentials', async () => {
    const app = limitedApp();
    expect((await request(app).get('/v1/ping')).status).toBe(401);
    expect((await request(app).get('/v1/ping')).status).toBe(401);
    const refused = await request(app).get('/v1/ping').set(as(auditor));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body.type).toBe('/problems/rate-limited');
  });

  it('does not count requests still in flight: many concurrent valid ones from one address all pass', async () => {
    const concurrent = 10;
    let arrived = 0;
    let allArrived: () => void = () => undefined;
    const everyoneIn = new Promise<void>((resolve) => {
      // Should a request never arrive, the others answer after 2 s (and the test fails) rather than hang.
      const fallback = setTimeout(resolve, 2_000);
      allArrived = () => {
        clearTimeout(fallback);
        resolve();
      };
    });
    const app = testApp((app) => {
      app.use(rateLimitFailedAuthentication({ limitPerMinute: 2 }));
      app.use(authenticateFromTestHeader);
      // Each request waits until all have arrived, so that they are all in flight at once.
      app.get('/v1/ping', async (_req, res) => {
        arrived += 1;
        if (arrived === concurrent) allArrived();
        await everyoneIn;
        res.json({ ok: true });
      });
    });
    const answers = await Promise.all(
      Array.from({ length: concurrent }, () => request(app).get('/v1/ping').set(as(auditor))),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(concurrent).fill(200));
  });

  it('counts the addresses of one IPv6 /56 subnet as one client, and another subnet apart', async () => {
    const app = testApp((app) => {
      app.set('trust proxy', true);
      app.use(rateLimitFailedAuthentication({ limitPerMinute: 2 }));
      app.use(authenticateFromTestHeader);
      app.get('/v1/ping', (_req, res) => {
        res.json({ ok: true });
      });
    });
    const from = (address: string) => request(app).get('/v1/ping').set('X-Forwarded-For', address);
    expect((await from('2001:db8:0:100::1')).status).toBe(401);
    expect((await from('2001:db8:0:1ff::2')).status).toBe(401);
    expect((await from('2001:db8:0:1aa::3').set(as(auditor))).status).toBe(429);
    expect((await from('2001:db8:0:200::1').set(as(auditor))).status).toBe(200);
  });

  it('does not count successful authentications', async () => {
    const app = limitedApp();
    for (let count = 0; count < 5; count += 1) await request(app).get('/v1/ping').set(as(auditor));
    expect((await request(app).get('/v1/ping')).status).toBe(401);
    expect((await request(app).get('/v1/ping').set(as(auditor))).status).toBe(200);
  });
});
