import express from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { problemHandler, problemTypes } from '../../src/api/problems';
import { LedgerConflict } from '../../src/ledger/errors';
import { projectRoot } from '../../src/projectRoot';
import {
  approve,
  bearer,
  evidenceOf,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
} from '../support/ledgerService';

describe('the README, where a client and an auditor learn them, names', () => {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const unnamed = (names: readonly string[]) => names.filter((name) => !readme.includes(`\`${name}\``));

  it('every problem type', () => {
    expect(unnamed(Object.keys(problemTypes))).toEqual([]);
  });

  it('every event type', () => {
    const eventTypes = readdirSync(join(projectRoot(), 'schemas/events')).map((file) => file.replace(/\.json$/, ''));
    expect(unnamed(eventTypes)).toEqual([]);
  });
});

describe("a problem's own members (RFC 9457)", () => {
  it('are never overridden by the details of the refusal', async () => {
    const app = express();
    app.post('/refused', () => {
      throw new LedgerConflict('entry-not-pending', 'entry e-1 is posted, not pending', {
        type: 'posted',
        title: 'posted',
        status: 'posted',
        detail: 'posted',
        instance: 'posted',
        entryId: 'e-1',
      });
    });
    app.use(problemHandler(() => undefined));
    const response = await request(app).post('/refused');
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      type: '/problems/entry-not-pending',
      title: problemTypes['entry-not-pending'].title,
      status: 409,
      detail: 'entry e-1 is posted, not pending',
      instance: '/refused',
      entryId: 'e-1',
    });
  });

  it("answer the HTTP status as the problem's status, and the entry's own as entryStatus", async () => {
    const service = await openTestService();
    try {
      await registerPerson(service, 'li');
      const proposed = await recordEntry(service, 'li', {
        ruleCode: 'COM-SUED-BREACH',
        occurredAt: '2026-10-01T08:00:00Z',
        evidence: [evidenceOf('courtJudgment')],
      });
      await approve(service, proposed.body.entryId);
      const again = await request(service.app)
        .post(`/v1/entries/${proposed.body.entryId}/approval`)
        .set(await bearer(service, { subject: 'approver-wu', roles: ['approver'] }))
        .send({ decision: 'approve' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ type: '/problems/entry-not-pending', status: 409, entryStatus: 'posted' });
    } finally {
      await service.close();
    }
  });
});

describe('a path that is not percent-encoded UTF-8', () => {
  it('is answered 400 naming the path, not the body the request does not have', async () => {
    const service = await openTestService();
    try {
      const { auditor } = await signIn(service);
      for (const path of ['/v1/subjects/%E0%A4%A/score', '/v1/objections/%', '/problems/a%zz']) {
        const response = await request(service.app).get(path).set(auditor);
        expect([path, response.status, response.body.type]).toEqual([path, 400, '/problems/validation-failed']);
        expect(response.body.errors).toEqual([
          { in: 'path', field: '', message: 'is not valid percent-encoded UTF-8' },
        ]);
      }
    } finally {
      await service.close();
    }
  });
});
