import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import type { TokenRequest } from '../../src/api/auth/tokens';
import type { TrustProxy } from '../../src/config';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
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

export const openTestService = (
  options: {
    dbPath?: string;
    clock?: () => Date;
    rateLimitPerMinute?: number;
    proofsPerMinute?: number;
    trustProxy?: TrustProxy;
    followProjections?: boolean;
  } = {},
): Promise<LedgerService> =>
  openLedgerService({
    dbPath: options.dbPath ?? ':memory:',
    schemePath: defaultSchemePath(),
    clock: options.clock ?? fixedClock(),
    logger: pino({ level: 'silent' }),
    onProjectionFailure: (error) => {
      throw error;
    },
    // Tests send many refused credentials from one address; the limiter has tests of its own.
    failedAuthenticationsPerMinute: 1_000,
    ...(options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    ...(options.proofsPerMinute ? { proofsPerMinute: options.proofsPerMinute } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.followProjections === false ? { followProjections: false } : {}),
  });

/**
 * The position of the last event other than access records: what "nothing was written" compares. Access
 * records are batched and flushed on a timer, so they may land while any request runs.
 */
export const ledgerHead = (service: LedgerService): string | null =>
  (
    service.db.prepare("SELECT max(position) AS position FROM events WHERE stream_name != 'access-log'").get() as {
      position: number | null;
    }
  ).position?.toString() ?? null;

/** A temporary folder for a database file, removed by the returned function. */
export const temporaryFolder = (): { path: string; remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

export const official = 'officer-zhang';

export type Headers = Record<string, string>;

/** Headers carrying a token the test service minted for `request`. */
export const bearer = async (
  service: LedgerService,
  request: Omit<TokenRequest, 'lifetimeSeconds' | 'subject'> & { subject?: string },
): Promise<Headers> => {
  if (!service.mintToken) throw new Error('the test service mints its own tokens');
  const token = await service.mintToken({ subject: official, lifetimeSeconds: 3600, ...request });
  return { Authorization: `Bearer ${token}` };
};

/** Signed-in headers for the roles most tests act as. */
export const signIn = async (service: LedgerService) => ({
  /** A registry clerk: registers subjects. */
  clerk: await bearer(service, { subject: 'clerk-liu', roles: ['recorder'], authority: 'civil-affairs' }),
  auditor: await bearer(service, { subject: 'auditor-chen', roles: ['auditor'] }),
  recorder: (authority: string, subject = official) => bearer(service, { subject, roles: ['recorder'], authority }),
});

const scheme = loadScheme(defaultSchemePath());

/** The first authority that may record the rule, or one that may not when the rule is unknown. */
export const authorityFor = (ruleCode: unknown): string =>
  scheme.catalogue.find((rule) => rule.code === ruleCode)?.recordingAuthorities[0] ?? 'traffic-police';

/**
 * A document of `kind`, known by its number: one number is one document (the same hash), and a subject's entries
 * stand on different documents. Without a number, the first document of its kind: documents of different kinds differ.
 */
export const evidenceOf = (kind: EvidenceRef['kind'], documentNumber = `${kind}-1`): EvidenceRef => ({
  kind,
  issuer: 'Rongcheng issuing authority',
  documentNumber,
  sha256: createHash('sha256').update(documentNumber).digest('hex'),
});

export const registerPerson = async (service: LedgerService, id: string, birthDate = '1980-01-01') => {
  const response = await request(service.app)
    .post('/v1/subjects')
    .set((await signIn(service)).clerk)
    .send({ kind: 'person', id, birthDate });
  if (response.status !== 201) throw new Error(`registration failed: ${JSON.stringify(response.body)}`);
  return response.body as { id: string; position: string };
};

/** Approves a proposed entry as a second person (four eyes). */
export const approve = async (service: LedgerService, entryId: string) => {
  const response = await request(service.app)
    .post(`/v1/entries/${entryId}/approval`)
    .set(await bearer(service, { subject: 'approver-wu', roles: ['approver'] }))
    .send({ decision: 'approve' });
  if (response.status !== 200) throw new Error(`approval failed: ${JSON.stringify(response.body)}`);
  return response.body as { entryId: string; status: string; position: string };
};

/** Records as a recorder of the first authority the rule accepts. */
export const recordEntry = async (service: LedgerService, subjectId: string, body: Record<string, unknown>) =>
  request(service.app)
    .post(`/v1/subjects/${subjectId}/entries`)
    .set(await bearer(service, { roles: ['recorder'], authority: authorityFor(body.ruleCode) }))
    .send(body);
