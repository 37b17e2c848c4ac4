import { createPublicKey } from 'node:crypto';
import request from 'supertest';
import { verifyCheckpoint } from '../../src/events/integrity/checkpoint';
import { verifyInclusion } from '../../src/events/integrity/merkle';
import type { LedgerService } from '../../src/service';
import {
  evidenceOf,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
  type Headers,
} from '../support/ledgerService';

let service: LedgerService;
let auditor: Headers;

beforeEach(async () => {
  service = await openTestService();
  await registerPerson(service, 'li');
  await recordEntry(service, 'li', {
    ruleCode: 'TRF-TICKET',
    occurredAt: '2026-10-01T08:00:00Z',
    evidence: [evidenceOf('trafficTicket')],
  });
  auditor = (await signIn(service)).auditor;
});
afterEach(() => service.close());

const app = () => request(service.app);

describe('an outside auditor', () => {
  it('checks a checkpoint with the published key, and an inclusion proof against it', async () => {
    const issued = await app().post('/v1/checkpoints').set(auditor);
    expect(issued.status).toBe(201);
    const key = createPublicKey((await app().get('/.well-known/ledger-checkpoint-key.pem')).text);
    const latest = (await app().get('/v1/checkpoints/latest')).body;
    expect(latest).toEqual(issued.body);
    expect(verifyCheckpoint(latest, key)).toBe(true);
    const proof = (await app().get(`/v1/proofs/inclusion?position=00000000000000000002&treeSize=${latest.treeSize}`))
      .body;
    expect(
      verifyInclusion({
        leafHash: Buffer.from(proof.leafHash, 'hex'),
        index: proof.leafIndex,
        treeSize: proof.treeSize,
        proof: proof.proof.map((hash: string) => Buffer.from(hash, 'hex')),
        root: Buffer.from(latest.rootHash, 'hex'),
      }),
    ).toBe(true);
  });

  it('gets 422 for a proof beyond the log', async () => {
    const response = await app().get('/v1/proofs/inclusion?position=00000000000000000002&treeSize=999');
    expect(response.status).toBe(422);
    expect(response.body.type).toBe('/problems/proof-not-available');
  });
});

describe('verifying the log over the API', () => {
  it('answers ok for an untouched log, against the latest checkpoint', async () => {
    await app().post('/v1/checkpoints').set(auditor);
    const { body } = await app().post('/v1/verify').set(auditor);
    expect(body).toMatchObject({ ok: true });
    expect(body.againstCheckpoint.treeSize).toBeGreaterThan(0);
  });

  it('names the first edited event', async () => {
    service.db
      .prepare("UPDATE events SET data = replace(data, '\"points\":-5', '\"points\":-1') WHERE type = 'EntryPosted'")
      .run();
    const { body } = await app().post('/v1/verify').set(auditor);
    expect(body).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });

  it('is for auditors only', async () => {
    expect(
      (
        await app()
          .post('/v1/verify')
          .set((await signIn(service)).clerk)
      ).status,
    ).toBe(403);
  });
});

describe('the public proofs', () => {
  it('answer each client address a limited number of times a minute, then 429', async () => {
    const limited = await openTestService({ proofsPerMinute: 2 });
    try {
      await registerPerson(limited, 'li');
      const proof = () => request(limited.app).get('/v1/proofs/consistency?from=1&to=2');
      expect((await proof()).status).toBe(200);
      expect((await proof()).status).toBe(200);
      const refused = await proof();
      expect(refused.status).toBe(429);
      expect(refused.body.type).toBe('/problems/rate-limited');
      expect(
        (await request(limited.app).get('/v1/proofs/inclusion?position=00000000000000000001&treeSize=2')).status,
      ).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('count the client named by X-Forwarded-For behind a trusted proxy (LEDGER_TRUST_PROXY)', async () => {
    const behindProxy = await openTestService({ proofsPerMinute: 1, trustProxy: 1 });
    try {
      await registerPerson(behindProxy, 'li');
      const proofFor = (client: string) =>
        request(behindProxy.app).get('/v1/proofs/consistency?from=1&to=2').set('X-Forwarded-For', client);
      expect((await proofFor('203.0.113.7')).status).toBe(200);
      expect((await proofFor('203.0.113.7')).status).toBe(429);
      expect((await proofFor('198.51.100.4')).status).toBe(200);
    } finally {
      await behindProxy.close();
    }
  });

  it('believe no X-Forwarded-For unless a proxy is trusted: a client cannot pose as many', async () => {
    const direct = await openTestService({ proofsPerMinute: 1 });
    try {
      await registerPerson(direct, 'li');
      const proofFor = (client: string) =>
        request(direct.app).get('/v1/proofs/consistency?from=1&to=2').set('X-Forwarded-For', client);
      expect((await proofFor('203.0.113.7')).status).toBe(200);
      expect((await proofFor('198.51.100.4')).status).toBe(429);
    } finally {
      await direct.close();
    }
  });
});
