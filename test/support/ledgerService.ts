import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { defaultSchemePath } from '../../src/ledger/schemeLoader';
import { openLedgerService, type LedgerService } from '../../src/service';
import type { EvidenceRef } from '../../src/events/ledgerEvents';

/** The instant every test's clock stands at, unless it moves it. */
export const testNow = new Date('2026-11-26T10:00:00.000Z');

export interface TestClock {
  (): Date;
  set(instant: Date): void;
}

export const fixedClock = (start: Date = testNow): TestClock => {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.set = (instant) => {
    now = instant;
  };
  return clock;
};

export const openTestService = (options: { dbPath?: string; clock?: () => Date } = {}): Promise<LedgerService> =>
  openLedgerService({
    dbPath: options.dbPath ?? ':memory:',
    schemePath: defaultSchemePath(),
    clock: options.clock ?? fixedClock(),
    logger: pino({ level: 'silent' }),
    onProjectionFailure: (error) => {
      throw error;
    },
  });

/** A temporary folder for a database file, removed by the returned function. */
export const temporaryFolder = (): { path: string; remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

export const official = 'officer-zhang';

export const evidenceOf = (kind: EvidenceRef['kind'], documentNumber = 'DOC-1'): EvidenceRef => ({
  kind,
  issuer: 'Rongcheng issuing authority',
  documentNumber,
  sha256: createHash('sha256').update(documentNumber).digest('hex'),
});

export const registerPerson = async (service: LedgerService, id: string, birthDate = '1980-01-01') => {
  const response = await request(service.app)
    .post('/v1/subjects')
    .set('X-Actor-Id', official)
    .send({ kind: 'person', id, birthDate });
  if (response.status !== 201) throw new Error(`registration failed: ${JSON.stringify(response.body)}`);
  return response.body as { id: string; position: string };
};

export const recordEntry = (service: LedgerService, subjectId: string, body: Record<string, unknown>) =>
  request(service.app).post(`/v1/subjects/${subjectId}/entries`).set('X-Actor-Id', official).send(body);
