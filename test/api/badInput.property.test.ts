import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { Agent, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import { gunzipSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import type { LedgerService } from '../../src/service';
import {
  bearer,
  evidenceOf,
  ledgerHead,
  openTestService,
  recordEntry,
  registerPerson,
  signIn,
  testNow,
  type Headers,
} from '../support/ledgerService';

/**
 * The rule: bad input always gets a clear 4xx error and nothing is written or lost. Checked over every operation of
 * the OpenAPI document the service serves, so that a route added later is covered without editing this file: each
 * write is sent arbitrary JSON, valid bodies with one field broken, bodies that are not JSON and odd Idempotency-Key
 * headers; each read random query strings and path ids. Whatever comes, the answer is never a 5xx; a 4xx is an
 * RFC 9457 problem of a type the document lists, and the ledger is where it was; a 2xx only for a request the
 * document's own schemas accept. Runs are bounded and seeded: FUZZ_SEED picks another seed, FUZZ_RUNS scales them.
 */

const seed = Number(process.env.FUZZ_SEED) || 20261126;
const runsScale = Number(process.env.FUZZ_RUNS) || 1;
const runs = (count: number) => ({
  seed,
  numRuns: Math.max(1, Math.round(count * runsScale)),
  includeErrorInReport: true,
});

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: unknown;
}
interface OperationObject {
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: unknown }> };
}
interface Operation {
  method: 'get' | 'post';
  path: string;
  /** `POST /v1/subjects/{id}/entries`, as the known-good bodies below are named. */
  name: string;
  spec: OperationObject;
  validBody?: ValidateFunction;
  validParameter: Map<string, ValidateFunction>;
  /** Who sends it: the first of the principals below whose role the route does not refuse. */
  headers: Headers;
}

let service: LedgerService;
let server: Server;
let operations: Operation[];
let problemTypesListed: Set<string>;
const ids = {
  subjects: ['li', 'wang', 'acme'],
  entries: [] as string[],
  listings: [] as string[],
  objections: [] as string[],
};

// --- The document's schemas, as the oracle of what is valid -----------------------------------------------------

const documentId = 'https://badinput.test/openapi.json';

/** The document's schemas, with `#/components/schemas/` references made absolute, for one ajv to resolve. */
const absoluteRefs = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(absoluteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace(/^#\/components\/schemas\//, `${documentId}#/$defs/`)
        : absoluteRefs(value),
    ]),
  );
};

const oracleOf = (components: Record<string, unknown>) => {
  // strictNumbers: Infinity (what 1e400 parses to) is not a number; unknown OpenAPI keywords are ignored.
  const ajv = new Ajv2020({ strict: false, strictNumbers: true, allErrors: false, logger: false });
  addFormats(ajv);
  ajv.addSchema({ $id: documentId, $defs: absoluteRefs(components) });
  return (schema: unknown): ValidateFunction => ajv.compile(absoluteRefs(schema) as object);
};

// --- Setting the ledger up: real ids for the paths ------------------------------------------------------------

const scheme = loadScheme(defaultSchemePath());

const evidence = (documentNumber: string) => [evidenceOf('courtJudgment', documentNumber)];

/** Valid bodies per write, by operation name; broken one field at a time. */
const goodBodies = (): Record<string, object[]> => ({
  'POST /v1/subjects': [
    { kind: 'person', birthDate: '1990-05-05', displayName: 'Zhao Min' },
    { kind: 'organization', id: 'fuzz-org', displayName: 'Haiyang Fisheries' },
  ],
  'POST /v1/subjects/{id}/entries': [
    { ruleCode: 'COM-CONTRACT-BREACH', occurredAt: '2026-10-01T08:00:00Z', evidence: evidence('J-2') },
    {
      ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
      occurredAt: '2026-10-02T08:00:00+08:00',
      points: -40,
      narrative: 'Failed to perform a settlement.',
      evidence: evidence('J-3'),
    },
  ],
  'POST /v1/entries/{entryId}/approval': [{ decision: 'reject', reason: 'The judgment names someone else.' }],
  'POST /v1/entries/{entryId}/reinstatement': [{ evidence: evidence('J-4'), reasons: 'A new judgment.' }],
  'POST /v1/entries/{entryId}/statement': [{ text: 'I paid within the week.' }],
  'POST /v1/entries/{entryId}/repair': [{ proof: [evidenceOf('lenderRecord', 'R-1')] }],
  'POST /v1/entries/{entryId}/repair/decision': [{ decision: 'refuse', reasons: 'Not yet corrected.' }],
  'POST /v1/listings': [
    {
      list: 'blacklist',
      subjectId: 'wang',
      ground: 'ABLE_BUT_REFUSING',
      legalAct: evidenceOf('courtJudgment', 'ENF-2'),
      restrictions: ['NO_FLIGHT'],
      listedAt: '2026-11-02T02:00:00Z',
    },
  ],
  'POST /v1/listings/{id}/extension': [{ months: 12, legalAct: evidenceOf('courtJudgment', 'EXT-1') }],
  'POST /v1/listings/{id}/removal-request': [
    { reason: 'obligationPerformed', triggeredAt: '2026-11-20T08:00:00Z', evidence: evidence('PAID-1') },
  ],
  'POST /v1/listings/{id}/removal': [{ reason: 'obligationPerformed', triggeredAt: '2026-11-20T08:00:00Z' }],
  'POST /v1/objections': [{ subjectId: 'li', entryId: ids.entries[0], grounds: 'Not me.', evidence: [] }],
  'POST /v1/objections/{id}/evidence': [{ evidence: evidence('J-1') }],
  'POST /v1/objections/{id}/extension': [{}],
  'POST /v1/objections/{id}/decision': [{ outcome: 'upheld', reasons: 'The judgment stands.' }],
  'POST /v1/objections/{id}/reconsideration': [{ grounds: 'The officer did not read the receipt.' }],
  'POST /v1/objections/{id}/reconsideration/decision': [{ outcome: 'confirmed', reasons: 'As decided.' }],
});

/** Real ids for a path parameter, by the collection its path names before it. */
const realIdsFor = (path: string, parameter: string): string[] => {
  const segments = path.split('/');
  const collection = segments[segments.indexOf(`{${parameter}}`) - 1];
  const byCollection: Record<string, string[]> = {
    subjects: ids.subjects,
    eligibility: ids.subjects,
    entries: ids.entries,
    listings: ids.listings,
    objections: ids.objections,
    problems: ['validation-failed', 'not-found'],
  };
  return byCollection[collection ?? ''] ?? Object.values(ids).flat();
};

const principals = async (): Promise<Headers[]> => {
  const signedIn = await signIn(service);
  const person = (subject: string, roles: Parameters<typeof bearer>[1]['roles'], subjectId?: string) =>
    bearer(service, { subject, roles, ...(subjectId ? { subjectId } : {}) });
  const consumerKey = service.apiKeys.create(
    { consumer: 'fuzz', measures: ['NO_FLIGHT', 'NO_G_TRAIN'], perks: scheme.perks.map((perk) => perk.code) },
    testNow,
  ).key;
  // Officials first, so that a read is made with a grant for any subject; the resident last.
  return [
    await signedIn.recorder('court'),
    signedIn.clerk,
    await person('approver-wu', ['approver']),
    await person('appeal-officer-wu', ['appealOfficer']),
    await person('senior-officer-gao', ['seniorAppealOfficer']),
    signedIn.auditor,
    await person('operator-ma', ['operator']),
    { 'X-API-Key': consumerKey },
    await person('li', ['resident'], 'li'),
  ];
};

const refusedRoles = new Set(['/problems/forbidden', '/problems/unauthenticated', '/problems/outside-purpose']);
const invalidKey = 'k'.repeat(256);

/**
 * The first principal whose role the operation does not refuse, found by asking: a write is sent a valid body with
 * an Idempotency-Key too long to accept, which is refused after authorization and before anything is written.
 */
const senderOf = async (operation: Omit<Operation, 'headers'>, candidates: Headers[]): Promise<Headers> => {
  if (operation.spec.security?.length === 0) return {};
  const path = fillPath(
    operation.path,
    Object.fromEntries(pathParameters(operation).map((name) => [name, realIdsFor(operation.path, name)[0] ?? 'x'])),
  );
  for (const headers of candidates) {
    const probe = request(server)[operation.method](path).set(headers).set('Idempotency-Key', invalidKey);
    const response = await (operation.method === 'post'
      ? probe.send((goodBodies()[operation.name] ?? [{}])[0] as object)
      : probe);
    if (!refusedRoles.has(response.body?.type)) return headers;
  }
  return {};
};

beforeAll(async () => {
  service = await openTestService({ rateLimitPerMinute: 1_000_000, proofsPerMinute: 1_000_000 });
  server = service.app.listen(0);
  await registerPerson(service, 'li');
  await registerPerson(service, 'wang');
  const { clerk } = await signIn(service);
  await request(server).post('/v1/subjects').set(clerk).send({ kind: 'organization', id: 'acme' }).expect(201);
  const entry = await recordEntry(service, 'li', {
    ruleCode: 'COM-CONTRACT-BREACH',
    occurredAt: '2026-10-01T08:00:00Z',
    evidence: evidence('J-1'),
  });
  const pending = await recordEntry(service, 'wang', {
    ruleCode: 'COM-SUED-BREACH',
    occurredAt: '2026-10-01T08:00:00Z',
    evidence: evidence('J-5'),
  });
  expect([entry.status, pending.status]).toEqual([201, 202]);
  ids.entries.push(entry.body.entryId, pending.body.entryId);
  const listing = await request(server)
    .post('/v1/listings')
    .set(await signIn(service).then((signedIn) => signedIn.recorder('court')))
    .send({ ...goodBodies()['POST /v1/listings']?.[0], subjectId: 'li', legalAct: evidenceOf('courtJudgment') })
    .expect(201);
  ids.listings.push(listing.body.listingId);
  const objection = await request(server)
    .post('/v1/objections')
    .set(await bearer(service, { subject: 'li', roles: ['resident'], subjectId: 'li' }))
    .send({ subjectId: 'li', entryId: entry.body.entryId, grounds: 'I performed the contract.' })
    .expect(201);
  ids.objections.push(objection.body.objectionId);
  await service.runner.catchUp(2_000);

  const document = (await request(server).get('/openapi.json').expect(200)).body as {
    info: { description: string };
    paths: Record<string, Record<string, OperationObject>>;
    components: { schemas: Record<string, unknown> };
  };
  problemTypesListed = new Set(document.info.description.match(/\/problems\/[a-z0-9-]+/g));
  const compile = oracleOf(document.components.schemas);
  const candidates = await principals();
  operations = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(methods)) {
      const bodySchema = spec.requestBody?.content['application/json']?.schema;
      const operation = {
        method: method as Operation['method'],
        path,
        name: `${method.toUpperCase()} ${path}`,
        spec,
        ...(bodySchema ? { validBody: compile(bodySchema) } : {}),
        validParameter: new Map(
          (spec.parameters ?? []).map((parameter) => [parameter.name, compile(parameter.schema)]),
        ),
      };
      operations.push({ ...operation, headers: await senderOf(operation, candidates) });
    }
  }
}, 30_000);
afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  await service.close();
});

// --- Requests and what may answer them ------------------------------------------------------------------------

const pathParameters = (operation: Pick<Operation, 'spec'>): string[] =>
  (operation.spec.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);

/** The path with each `{name}` replaced by its value, already percent-encoded. */
const fillPath = (path: string, values: Record<string, string>): string =>
  path.replace(/\{([^}]+)\}/g, (_whole, name: string) => values[name] ?? '');

const encodeSegment = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate: sent as the bytes Node would write for it.
    return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
};

interface Sent {
  operation: Operation;
  /** Percent-encoded, as sent. */
  pathValues: Record<string, string>;
  query?: string;
  headers?: Record<string, string | string[]>;
  /** Text or bytes; undefined sends no body. */
  body?: string | Buffer;
}

const decodesTo = (encoded: string): string | undefined => {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
};

/** The value of a header as the server reads it: repeated headers joined, surrounding blanks dropped. */
const headerValue = (value: string | string[]): string =>
  (Array.isArray(value) ? value.join(', ') : value).replace(/^[ \t]+|[ \t]+$/g, '');

/** The charset a JSON body is read in, by its content type; undefined when the content type is not JSON's. */
const jsonCharsetOf = (contentType: string): string | undefined => {
  const match = /^application\/json[ \t]*(?:;[ \t]*charset="?([\w-]+)"?[ \t]*)?$/i.exec(contentType.trim());
  if (!match) return undefined;
  const charsets: Record<string, string> = {
    'utf-8': 'utf-8',
    utf8: 'utf-8',
    'utf-16': 'utf-16le',
    'utf-16le': 'utf-16le',
    'utf-16be': 'utf-16be',
  };
  return charsets[(match[1] ?? 'utf-8').toLowerCase()];
};

/** Whether the document says the request is valid: only then may it be answered 2xx. */
const isValidRequest = ({ operation, pathValues, query, headers = {}, body }: Sent): boolean => {
  const { spec, validParameter } = operation;
  for (const parameter of spec.parameters ?? []) {
    const valid = validParameter.get(parameter.name) as ValidateFunction;
    if (parameter.in === 'path') {
      const value = decodesTo(pathValues[parameter.name] ?? '');
      if (value === undefined || !valid(value)) return false;
    }
    if (parameter.in === 'header') {
      const name = Object.keys(headers).find((header) => header.toLowerCase() === parameter.name.toLowerCase());
      if (name === undefined ? parameter.required : !valid(headerValue(headers[name] as string))) return false;
    }
  }
  const queryParameters = (spec.parameters ?? []).filter((parameter) => parameter.in === 'query');
  if (queryParameters.length > 0) {
    const parsed = parseQueryString(query ?? '');
    for (const [name, value] of Object.entries(parsed)) {
      const valid = validParameter.get(name);
      if (!queryParameters.some((parameter) => parameter.name === name) || !valid?.(value)) return false;
    }
    if (queryParameters.some((parameter) => parameter.required && !(parameter.name in parsed))) return false;
  }
  if (!operation.validBody) return true;
  const header = (wanted: string) =>
    Object.entries(headers).find(([name]) => name.toLowerCase() === wanted)?.[1] as string | undefined;
  const charset = jsonCharsetOf(header('content-type') ?? '');
  const encoding = header('content-encoding');
  if (charset === undefined || (encoding !== undefined && encoding !== 'gzip' && encoding !== 'identity')) return false;
  let text: string;
  try {
    const bytes = Buffer.from(body ?? '');
    // TextDecoder drops a byte order mark, as the body parser does.
    text = new TextDecoder(charset).decode(encoding === 'gzip' ? gunzipSync(bytes) : bytes);
  } catch {
    return false;
  }
  // An empty body of application/json is read as {} (body-parser's convention).
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return false;
  }
  return operation.validBody(value);
};

interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request as given, bytes and headers untouched (supertest would serialise a Buffer sent as JSON). */
const exchange = (
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: string | Buffer,
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const content = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const { port } = server.address() as AddressInfo;
    const sent = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: method.toUpperCase(),
        path,
        agent,
        headers: { ...headers, ...(content ? { 'Content-Length': String(content.length) } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = String(response.headers['content-type'] ?? '');
          let parsed: unknown;
          try {
            parsed = /[/+]json\b/.test(contentType) ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: response.statusCode ?? 0, contentType, text, body: parsed });
        });
      },
    );
    sent.on('error', reject);
    sent.end(content);
  });

const preview = (value: unknown, length = 300): string => {
  const text = Buffer.isBuffer(value) ? `<${value.length} bytes>` : typeof value === 'string' ? value : String(value);
  return text.length > length ? `${text.slice(0, length)}… (${text.length} characters)` : text;
};

/** What a request without a body cannot be faulted for. */
const bodyProblems = new Set([
  '/problems/malformed-json',
  '/problems/unreadable-body',
  '/problems/body-too-large',
  '/problems/body-too-deep',
]);

/** The first request after which access records could not be written: every later check fails with it. */
let accessRecordsLostSince: string | undefined;

/**
 * Sends the request and checks the rule on its answer: never a 5xx; a 2xx only for a valid request; a 4xx is a
 * problem+json of a listed type with the status in it, not blaming a body there is none of, and the ledger is where
 * it was. A read never writes, and the record of a read answered reaches the access log.
 */
const sendAndCheck = async (sent: Sent): Promise<void> => {
  const { operation, query, headers = {}, body } = sent;
  const url = `${fillPath(operation.path, sent.pathValues)}${query === undefined ? '' : `?${query}`}`;
  const before = ledgerHead(service);
  const response = await exchange(operation.method, url, { ...operation.headers, ...headers }, body);
  const after = ledgerHead(service);
  const { status, contentType } = response;
  const label = [
    `${operation.method.toUpperCase()} ${preview(url, 500)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${preview(JSON.stringify(value), 200)}`),
    ...(body === undefined ? [] : [`body: ${preview(body)}`]),
    `→ ${status} ${contentType} ${preview(response.text, 800)}`,
  ].join('\n');
  const failures: string[] = [];
  if (status >= 200 && status < 300) {
    if (!isValidRequest(sent)) failures.push('a 2xx for a request the document does not accept');
  } else if (status >= 400 && status < 500) {
    if (!contentType.startsWith('application/problem+json'))
      failures.push('a 4xx that is not application/problem+json');
    const problemType = (response.body as { type?: unknown } | undefined)?.type;
    if (typeof problemType !== 'string' || !problemTypesListed.has(problemType))
      failures.push('a 4xx without a problem type the document lists');
    else if ((response.body as { status?: unknown }).status !== status)
      failures.push("a problem whose status is not the answer's");
    else if (body === undefined && bodyProblems.has(problemType)) failures.push('a problem with a body never sent');
    if (after !== before) failures.push(`a 4xx that wrote: the ledger moved from ${before} to ${after}`);
  } else {
    failures.push(`status ${status}`);
  }
  if (operation.method === 'get' && after !== before) failures.push(`a read that wrote: ${before} to ${after}`);
  if (accessRecordsLostSince === undefined) {
    // A read's record is queued once its answer has gone out; writing it now tells at once if it cannot be.
    await new Promise((resolve) => setImmediate(resolve));
    await service.recorder.flush().catch((error: Error) => {
      accessRecordsLostSince = `${label}\n${error.message}`;
    });
  }
  if (accessRecordsLostSince !== undefined)
    failures.push(`access records cannot be written since:\n${accessRecordsLostSince}`);
  if (failures.length > 0) throw new Error([label, ...failures].join('\n'));
};

/** Runs the property for each operation, naming the operation when it fails. */
const forEachOperation = async (
  which: (operation: Operation) => boolean,
  property: (operation: Operation) => Promise<void>,
): Promise<void> => {
  const chosen = operations.filter(which);
  expect(chosen.length).toBeGreaterThan(0);
  for (const operation of chosen) {
    try {
      await property(operation);
    } catch (error) {
      throw new Error(
        `${operation.name} (as ${JSON.stringify(Object.keys(operation.headers))}):\n${(error as Error).message}`,
      );
    }
  }
};

const isWrite = (operation: Operation) => operation.method === 'post';
const isRead = (operation: Operation) => operation.method === 'get';

// --- Arbitraries ----------------------------------------------------------------------------------------------

const oddSegments = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%2F',
  '%2e%2e',
  '__proto__',
  'constructor',
  'toString',
  'a'.repeat(65),
  'A'.repeat(3000),
  '%F0%9F%92%A9',
  '-',
  '_x',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
];

const pathValuesOf = (operation: Operation, realWeight = 3): fc.Arbitrary<Record<string, string>> =>
  fc.record(
    Object.fromEntries(
      pathParameters(operation).map((name) => [
        name,
        fc.oneof(
          { weight: realWeight, arbitrary: fc.constantFrom(...realIdsFor(operation.path, name)) },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).map(encodeSegment) },
          { weight: 1, arbitrary: fc.constantFrom(...oddSegments) },
        ),
      ]),
    ),
  );

const trickyDateTimes = [
  '2026-02-30T00:00:00Z',
  '2026-11-01T00:00:00+08',
  '2016-12-31T23:59:60Z',
  '2026-11-01T23:59:60+08:00',
  '2026-11-01T24:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-01 00:00:00Z',
  '2026-11-01T00:00:00',
  '2026-11-01',
  '2026-11-01t00:00:00z',
  '2026-11-01T00:00:00.123456789Z',
  '2026-11-01T00:00:00+24:00',
  '2026-11-01T00:00:00-00:00',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1969-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '2027-11-26T10:00:00Z',
  '2026-11-26T10:00:00.001Z',
];
const trickyDates = [
  '2026-02-30',
  '2000-02-29',
  '1900-02-29',
  '0000-00-00',
  '0000-01-01',
  '9999-12-31',
  '99999-01-01',
  '2010-01-01',
  '2026-11-26',
];
const rawNumbers = ['1e400', '-1e400', '1e-400', '-0', '123456789012345678901234567890', '1E2', '0.1e1', '1.0'];

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -1001, 1001, 2 ** 31, 2 ** 53 + 2, -(2 ** 53), '', ' ', 'x', [], {}),
  fc.constantFrom(...trickyDateTimes, ...trickyDates),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.nat({ max: 20_000 }).map((length) => 'x'.repeat(length)),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = (string | number)[];
type Container = Record<string | number, unknown>;

/** Every place in a JSON value, the value itself first. */
const placesIn = (value: unknown, at: Path = []): Path[] => [
  at,
  ...(value !== null && typeof value === 'object'
    ? Object.entries(value).flatMap(([key, member]) =>
        placesIn(member, [...at, Array.isArray(value) ? Number(key) : key]),
      )
    : []),
];

const defineMember = (target: object, key: string | number, value: unknown) =>
  // defineProperty, so that a key like __proto__ becomes a member and not the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

type Mutation =
  | { kind: 'remove'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'extra'; at: number; key: string; value: unknown }
  | { kind: 'raw'; at: number; raw: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: oddValue }),
  fc.record({
    kind: fc.constant('extra' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'score', 'position', 'recordedBy', 'authority', 'actorId', 'status'),
    ),
    value: fc.jsonValue({ maxDepth: 1 }),
  }),
  fc.record({ kind: fc.constant('raw' as const), at: fc.nat(), raw: fc.constantFrom(...rawNumbers) }),
);

const placeholder = '\u0000raw\u0000';

/** The body's JSON text with one place changed; undefined when the whole body is removed. */
const mutated = (body: object, change: Mutation): string | undefined => {
  const copy = structuredClone(body) as Container;
  const places = placesIn(copy);
  const at = places[change.at % places.length] as Path;
  const parent = at.slice(0, -1).reduce((node, key) => node[key] as Container, copy);
  const last = at.at(-1);
  const replace = (value: unknown): unknown => {
    if (last === undefined) return value;
    defineMember(parent, last, value);
    return copy;
  };
  switch (change.kind) {
    case 'remove':
      if (last === undefined) return undefined;
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      return JSON.stringify(copy);
    case 'replace':
      return JSON.stringify(replace(change.value));
    case 'extra': {
      const node = at.reduce<unknown>((value, key) => (value as Container)[key], copy);
      const target = node !== null && typeof node === 'object' ? (node as Container) : parent;
      if (Array.isArray(target)) target.push(change.value);
      else defineMember(target, change.key, change.value);
      return JSON.stringify(copy);
    }
    case 'raw':
      return JSON.stringify(replace(placeholder)).replace(JSON.stringify(placeholder), change.raw);
  }
};

const arbitraryJson = (operation: Operation): fc.Arbitrary<string> => {
  // The body's own field names, so that random values reach the checks behind the first.
  const fieldNames = Object.keys(goodBodies()[operation.name]?.[0] ?? {});
  const key = fieldNames.length > 0 ? fc.oneof(fc.constantFrom(...fieldNames), fc.string()) : fc.string();
  const nested = (depth: number, leaf: unknown) =>
    Array.from({ length: depth }).reduce<unknown>((inner, _, index) => (index % 2 ? [inner] : { a: inner }), leaf);
  return fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((value) => JSON.stringify(value)),
    fc.dictionary(key, oddValue, { maxKeys: 4 }).map((value) => JSON.stringify(value)),
    fc.tuple(fc.integer({ min: 1, max: 60 }), oddValue).map(([depth, leaf]) => JSON.stringify(nested(depth, leaf))),
    fc
      .tuple(key, fc.constantFrom(1_000, 16_000, 16_400, 40_000), fc.constantFrom('x', '字', '\u{1F4A9}'))
      .map(([name, length, unit]) => JSON.stringify({ [name]: unit.repeat(length / unit.length) })),
    fc.tuple(key, fc.constantFrom(...rawNumbers)).map(([name, raw]) => `{${JSON.stringify(name)}:${raw}}`),
    fc.string({ unit: 'binary', maxLength: 50 }).map((text) => JSON.stringify({ [fieldNames[0] ?? 'a']: text })),
    fc.constantFrom(
      'null',
      '[]',
      '{}',
      '""',
      '0',
      'true',
      '{"a":1,"a":2}',
      '{"__proto__":{"isAdmin":true}}',
      '\uFEFF{}',
    ),
  );
};

const jsonHeaders = { 'Content-Type': 'application/json' };

// --- The properties -------------------------------------------------------------------------------------------

describe('bad input always gets a clear 4xx error and nothing is written or lost', () => {
  it('is checked with good bodies only of writes the document has, each one a body it accepts', () => {
    // A write added later without a good body here is still sent everything else, and {} with one field broken.
    const writes = operations.filter(isWrite).map((operation) => operation.name);
    expect(Object.keys(goodBodies()).filter((name) => !writes.includes(name))).toEqual([]);
    for (const operation of operations.filter((candidate) => candidate.validBody))
      for (const body of goodBodies()[operation.name] ?? [])
        expect([operation.name, operation.validBody?.(body)]).toEqual([operation.name, true]);
  });

  it('holds for arbitrary JSON sent to every write', async () => {
    await forEachOperation(isWrite, (operation) =>
      fc.assert(
        fc.asyncProperty(pathValuesOf(operation), arbitraryJson(operation), (pathValues, body) =>
          sendAndCheck({ operation, pathValues, headers: jsonHeaders, body }),
        ),
        runs(50),
      ),
    );
  }, 120_000);

  it('holds for a valid body with one field removed, retyped, out of range, added or written as a huge number', async () => {
    await forEachOperation(isWrite, (operation) => {
      const bodies = goodBodies()[operation.name] ?? [{}];
      return fc.assert(
        fc.asyncProperty(
          pathValuesOf(operation, 6),
          fc.constantFrom(...bodies),
          mutation,
          (pathValues, good, change) => {
            const body = mutated(good, change);
            return sendAndCheck({
              operation,
              pathValues,
              headers: jsonHeaders,
              ...(body === undefined ? {} : { body }),
            });
          },
        ),
        runs(80),
      );
    });
  }, 120_000);

  it('holds for bodies that are not JSON, or not sent as application/json', async () => {
    const contentTypes = [
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzz',
      'application/xml',
      'application/problem+json',
      'application/merge-patch+json',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=utf-8',
      'application/JSON',
      'application/jsonx',
      'application/*',
      '*/*',
      'json',
      'application/json, text/plain',
      '',
    ];
    await forEachOperation(isWrite, (operation) => {
      const good = JSON.stringify((goodBodies()[operation.name] ?? [{}])[0]);
      const text = fc.oneof(
        fc.constantFrom(
          good,
          'a=1&b=2',
          '<entry/>',
          '',
          '{',
          '{"a":',
          "{'a':1}",
          '[1,]',
          'NaN',
          '\u0000',
          good.slice(0, -1),
        ),
        fc.constantFrom('--fuzz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--fuzz--\r\n'),
        fc.string({ unit: 'binary', maxLength: 200 }),
      );
      const body = fc.oneof(
        text.map((value): string | Buffer => value),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc.constant(Buffer.from(`\uFEFF${good}`, 'utf16le')),
      );
      const encoding = fc.constantFrom(undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'x-unknown');
      return fc.assert(
        fc.asyncProperty(
          pathValuesOf(operation, 6),
          fc.constantFrom(...contentTypes),
          body,
          encoding,
          fc.boolean(),
          (pathValues, contentType, content, contentEncoding, compress) => {
            const sentBody = contentEncoding === 'gzip' && compress ? gzipSync(content) : content;
            const headers = {
              ...(contentType === undefined ? {} : { 'Content-Type': contentType }),
              ...(contentEncoding === undefined ? {} : { 'Content-Encoding': contentEncoding }),
            };
            return sendAndCheck({ operation, pathValues, headers, body: sentBody });
          },
        ),
        runs(30),
      );
    });
  }, 120_000);

  it('holds for odd Idempotency-Key headers', async () => {
    const latin1 = fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code));
    const visible = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));
    const key: fc.Arbitrary<string | string[]> = fc.oneof(
      fc.string({ unit: visible, minLength: 1, maxLength: 40 }),
      fc.constantFrom('k-1', 'k-2', 'k-3', '', ' ', 'a b', 'a\tb', ' k-1 ', 'k'.repeat(255), 'k'.repeat(256)),
      fc.constant('k'.repeat(8_000)),
      fc.string({ unit: fc.oneof(visible, latin1, fc.constant(' ')), minLength: 1, maxLength: 20 }),
      fc.array(fc.constantFrom('k-1', 'k-2', ''), { minLength: 2, maxLength: 3 }),
    );
    await forEachOperation(isWrite, (operation) => {
      const bodies = goodBodies()[operation.name] ?? [{}];
      return fc.assert(
        fc.asyncProperty(
          pathValuesOf(operation, 6),
          fc.constantFrom(...bodies),
          fc.option(mutation, { freq: 3 }),
          key,
          (pathValues, good, change, idempotencyKey) =>
            sendAndCheck({
              operation,
              pathValues,
              headers: { ...jsonHeaders, 'Idempotency-Key': idempotencyKey as string },
              body: (change === null ? JSON.stringify(good) : mutated(good, change)) ?? '',
            }),
        ),
        runs(30),
      );
    });
  }, 120_000);

  it('holds for reads given random query strings and path ids', async () => {
    const positions = async (): Promise<string[]> => {
      const head = Number(await service.store.headPosition());
      return [0, 1, Math.floor(head / 2), head].map((position) => String(position).padStart(20, '0'));
    };
    const known = await positions();
    await forEachOperation(isRead, (operation) => {
      const names = (operation.spec.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name);
      const key = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...names, 'asOf', 'view', 'minPosition', 'limit', 'after') },
        { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
        { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'a[b]', 'limit[]', '') },
      );
      const value = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('', '1', '50', '200', '201', '0', '-1', '1e3', 'abc', 'null', 'true') },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            ...known,
            ...trickyDateTimes,
            ...ids.subjects,
            ...ids.entries,
            'pending',
            'known',
            'corrected',
            'NO_FLIGHT',
            'HEATING_DISCOUNT',
            'auditor-chen',
            '12',
          ),
        },
        { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
        { weight: 1, arbitrary: fc.nat({ max: 2_000 }).map((length) => 'x'.repeat(length)) },
      );
      const pair = fc.tuple(key, value, fc.boolean());
      const raw = fc.constantFrom('', '', '', '%', '%zz', '&&&', '===', '+', ';', '%00', 'a=%E0%A4%A');
      return fc.assert(
        fc.asyncProperty(
          pathValuesOf(operation),
          // No query at all a quarter of the time, so that odd path ids reach the routes past their query's check.
          fc.oneof(
            { weight: 1, arbitrary: fc.constant([]) },
            { weight: 3, arbitrary: fc.array(pair, { maxLength: 5 }) },
          ),
          raw,
          async (pathValues, pairs, rawSuffix) => {
            const head = (await positions()).at(-1) as string;
            const query = [
              ...pairs.map(([name, text, bare]) => {
                // A well-formed minPosition past the log's head waits readWaitMsMax for it and answers 503
                // projection-behind, as reads.api.test.ts specifies: the property asks for positions the log has reached.
                const sentText = name === 'minPosition' && /^[0-9]{20}$/.test(text) && text > head ? head : text;
                return bare && sentText === ''
                  ? encodeSegment(name)
                  : `${encodeSegment(name)}=${encodeSegment(sentText)}`;
              }),
              ...(rawSuffix ? [rawSuffix] : []),
            ].join('&');
            return sendAndCheck({ operation, pathValues, ...(query ? { query } : {}) });
          },
        ),
        runs(80),
      );
    });
  }, 120_000);
});
