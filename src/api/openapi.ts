import type { SchemaRegistry } from '../schemaRegistry';
import { schemaIdBase } from '../schemaRegistry';
import { problemTypes } from './problems';

/**
 * The OpenAPI 3.1 document, built from the same JSON Schemas that validate requests (OpenAPI 3.1 is
 * JSON Schema 2020-12). Each schema file becomes a component named after its path (`api.RecordEntryRequest`),
 * and references between files are rewritten to point into the components.
 */

type Json = unknown;

const componentName = (path: string): string =>
  path
    .replace(/\.json$/, '')
    .split('/')
    .join('.');

const rewriteRefs = (node: Json, base: string): Json => {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, base));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string') {
      const resolved = new URL(value, base);
      const [path, fragment = ''] = resolved.href.slice(schemaIdBase.length).split('#');
      out.$ref = `#/components/schemas/${componentName(path as string)}${fragment}`;
      continue;
    }
    out[key] = rewriteRefs(value, base);
  }
  return out;
};

const ref = (path: string, fragment = ''): { $ref: string } => ({
  $ref: `#/components/schemas/${componentName(path)}${fragment}`,
});

const json = (schema: Json) => ({ 'application/json': { schema } });
const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });
const retryAfter = header('Seconds to wait before trying again', { type: 'integer', minimum: 1 });
const problem = (description: string, headers?: Record<string, Json>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: ref('api/responses.json', '/$defs/Problem') } },
});
/** A 429 says when to come back (Retry-After). */
const problemOf = (status: string, description: string) =>
  status === '429' ? problem(description, { 'Retry-After': retryAfter }) : problem(description);

const idParameter = (schema: Json) => ({ name: 'id', in: 'path', required: true, schema });
const subjectId = idParameter(ref('common.json', '/$defs/subjectId'));
const listingId = idParameter({ type: 'string', format: 'uuid' });
const objectionId = idParameter({ type: 'string', format: 'uuid' });
const entryIdParameter = { name: 'entryId', in: 'path', required: true, schema: ref('common.json', '/$defs/entryId') };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A retry with the same key returns the first response (marked Idempotent-Replayed: true) and writes nothing.',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
};

/**
 * The error answers every operation can give, by the kind of operation: public ones none of their own; every other
 * one those of authentication and the limits; reads of the ledger's records those of the access log and of
 * minPosition too; writes those of the body and of the ledger's rules.
 */
const errorsOf = (kind: OperationKind) => {
  if (kind === 'public') return {};
  const auth = {
    '401': problem('No valid credentials (a bearer token for people, an X-API-Key for consumers)'),
    '403': problem('The role, authority or purpose does not allow this'),
    '429': problem('Too many requests; see Retry-After', { 'Retry-After': retryAfter }),
  };
  if (kind === 'operation') return auth;
  if (kind === 'read') {
    return {
      ...auth,
      '400': problem('A query parameter is malformed or unknown'),
      '503': problem(
        'The access log cannot record the read just now (access-log-unavailable), or the read model has not reached ' +
          'minPosition (projection-behind); see Retry-After',
        { 'Retry-After': retryAfter },
      ),
    };
  }
  return {
    ...auth,
    '400': problem('The body breaks its schema (the problem names the field), or is not JSON'),
    '409': problem('Conflicts with the current state, or the same idempotency key is in flight'),
    '413': problem('The body is over the size limit'),
    '415': problem('The body is not application/json'),
    '422': problem('A rule of the ledger is broken; nothing was written'),
  };
};

/** Public (no credentials), a read of the ledger's records, a write, or an authenticated operation on the whole. */
type OperationKind = 'public' | 'read' | 'write' | 'operation';

interface OperationSpec {
  summary: string;
  kind: OperationKind;
  path?: Json[];
  /** A schema under schemas/ whose properties are the query parameters. */
  query?: string;
  body?: string;
  response: [status: string, description: string, schema: Json];
  /** Another answer that is not an error (a 202 beside a 201). */
  alsoAnswers?: [status: string, description: string, schema: Json];
  /** The success answer's media type, when not JSON. */
  mediaType?: string;
  /** The success answer carries a Location header: the created resource. */
  location?: boolean;
  errors?: Record<string, string>;
}

/** Query parameters, one per property of the query schema, so that the document and validation agree. */
const queryParameters = (schemas: SchemaRegistry, path: string): Json[] => {
  const schema = schemas.schemas().get(path) as { properties?: Record<string, Json>; required?: string[] } | undefined;
  if (!schema) throw new Error(`no query schema ${path}`);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: (schema.required ?? []).includes(name),
    schema: rewriteRefs(property, schemaIdBase + path),
  }));
};

const successHeaders = (spec: OperationSpec) => ({
  ...(spec.location ? { Location: header('Where the created resource is read') } : {}),
  ...(spec.kind === 'write'
    ? { 'Idempotent-Replayed': header('`true` on the first response returned again to a retry', { const: 'true' }) }
    : {}),
});

const success = (spec: OperationSpec, [status, description, schema]: [string, string, Json]) => {
  const headers = successHeaders(spec);
  return {
    [status]: {
      description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: spec.mediaType ? { [spec.mediaType]: { schema } } : json(schema),
    },
  };
};

const operation = (schemas: SchemaRegistry, spec: OperationSpec) => {
  return {
    summary: spec.summary,
    ...(spec.kind === 'public' ? { security: [] } : {}),
    parameters: [
      ...(spec.path ?? []),
      ...(spec.kind === 'write' ? [idempotencyKey] : []),
      ...(spec.query ? queryParameters(schemas, spec.query) : []),
    ],
    ...(spec.body ? { requestBody: { required: true, content: json(ref(spec.body)) } } : {}),
    responses: {
      ...success(spec, spec.response),
      ...(spec.alsoAnswers ? success(spec, spec.alsoAnswers) : {}),
      ...errorsOf(spec.kind),
      ...Object.fromEntries(Object.entries(spec.errors ?? {}).map(([code, text]) => [code, problemOf(code, text)])),
    },
  };
};

const response = (file: string, name: string): Json => ref(`api/${file}`, `/$defs/${name}`);

const operations: Record<string, Record<string, OperationSpec>> = {
  '/v1/scheme': {
    get: {
      summary: 'The scheme version in force, with its catalogue and perks',
      kind: 'public',
      response: ['200', 'The scheme', ref('scheme.schema.json')],
    },
  },
  '/v1/subjects': {
    post: {
      summary: 'Register a subject (a person aged 18 or over, or an organisation). Recorders.',
      kind: 'write',
      body: 'api/RegisterSubjectRequest.json',
      response: ['201', 'Registered', response('responses.json', 'SubjectCreated')],
      location: true,
    },
  },
  '/v1/subjects/{id}': {
    get: {
      summary: "A subject and its directory record. The resident's own; officials and auditors any.",
      kind: 'read',
      path: [subjectId],
      query: 'api/ReadQuery.json',
      response: ['200', 'The subject', response('responses.json', 'Subject')],
      errors: { '404': 'No such subject (or not one the caller may see)' },
    },
  },
  '/v1/subjects/{id}/entries': {
    post: {
      summary: "Record a deed or violation against a catalogue rule of the recorder's authority",
      kind: 'write',
      path: [subjectId],
      body: 'api/RecordEntryRequest.json',
      response: ['201', 'Recorded and in effect', response('responses.json', 'EntryRecorded')],
      alsoAnswers: [
        '202',
        "Recorded pending a second person's approval (four eyes): it does not count until approved",
        response('responses.json', 'EntryRecorded'),
      ],
      errors: {
        '404': 'No such subject',
        '409':
          'A document of its evidence already stands behind another entry of the subject (the problem names the ' +
          'entry), or the same idempotency key is in flight',
      },
    },
  },
  '/v1/subjects/{id}/score': {
    get: {
      summary: "The subject's score and grade now, with the explanation behind them",
      kind: 'read',
      path: [subjectId],
      query: 'api/ScoreQuery.json',
      response: ['200', 'The score', response('responses.json', 'Score')],
      errors: { '404': 'No such subject (or not one the caller may see)' },
    },
  },
  '/v1/subjects/{id}/history': {
    get: {
      summary: "The subject's history, oldest first, paged",
      kind: 'read',
      path: [subjectId],
      query: 'api/HistoryQuery.json',
      response: ['200', 'A page of history', response('responses.json', 'History')],
      errors: { '404': 'No such subject (or not one the caller may see)' },
    },
  },
  '/v1/subjects/{id}/listings': {
    get: {
      summary: "Every listing on either list that names the subject, past ones too. The resident's own; others any.",
      kind: 'read',
      path: [subjectId],
      query: 'api/ReadQuery.json',
      response: ['200', "The subject's listings", response('listingResponses.json', 'SubjectListings')],
      errors: { '404': 'Not one the caller may see' },
    },
  },
  '/v1/subjects/{id}/access-log': {
    get: {
      summary: "Who read the subject's record, when, in which role and why. The resident's own; auditors any.",
      kind: 'read',
      path: [subjectId],
      query: 'api/SubjectAccessLogQuery.json',
      response: ['200', 'A page of the access log', response('accessLogResponses.json', 'SubjectAccessLog')],
      errors: { '404': 'Not a subject the caller may see' },
    },
  },
  '/v1/approvals': {
    get: {
      summary:
        "The approvers' queue: proposed entries and proposed reinstatements waiting for a second person (four eyes), or decided",
      kind: 'read',
      query: 'api/ApprovalsQuery.json',
      response: ['200', 'A page of proposals', response('responses.json', 'ApprovalPage')],
    },
  },
  '/v1/entries/{entryId}/approval': {
    post: {
      summary:
        'Approve or reject what awaits approval on the entry: its recording or its reinstatement. An approver who is ' +
        'neither its recorder, nor the reinstater, nor its subject. Answers the status after: posted, rejected (a ' +
        'proposed entry) or reversed (a rejected reinstatement).',
      kind: 'write',
      path: [entryIdParameter],
      body: 'api/ApprovalDecisionRequest.json',
      response: ['200', 'Decided', response('responses.json', 'EntryDecision')],
      errors: { '404': 'No such entry' },
    },
  },
  '/v1/entries/{entryId}/reinstatement': {
    post: {
      summary:
        "Bring a reversed entry back with new evidence; the subject is told. A recorder of the rule's authority, " +
        'not its subject. An entry that needs four eyes (as its recording did) is only proposed (202 pending) and ' +
        'counts again once a second person approves it at /approval.',
      kind: 'write',
      path: [entryIdParameter],
      body: 'api/ReinstatementRequest.json',
      response: ['200', 'Reinstated', response('responses.json', 'EntryDecision')],
      alsoAnswers: [
        '202',
        "Proposed: it awaits a second person's approval, and does not count until then",
        response('responses.json', 'EntryDecision'),
      ],
      errors: {
        '404': 'No such entry',
        '409':
          'Not reversed (entry-not-reversed), replaced by an amendment (entry-amended), its reinstatement already ' +
          'awaiting approval (reinstatement-pending), a document of its new evidence already behind another entry of ' +
          'the subject (evidence-already-used), or the same idempotency key in flight',
      },
    },
  },
  '/v1/entries/{entryId}/statement': {
    post: {
      summary: 'The subject adds a statement of dispute beside an entry whose objection was upheld',
      kind: 'write',
      path: [entryIdParameter],
      body: 'api/StatementRequest.json',
      response: ['201', 'Added', response('responses.json', 'EntryDecision')],
      errors: { '404': 'No such entry (or not the caller’s)' },
    },
  },
  '/v1/entries/{entryId}/repair': {
    post: {
      summary: 'The subject applies for credit repair, after the minimum period of the entry’s tier',
      kind: 'write',
      path: [entryIdParameter],
      body: 'api/RepairRequest.json',
      response: ['202', 'Applied for', response('responses.json', 'EntryDecision')],
      errors: { '404': 'No such entry (or not the caller’s)' },
    },
  },
  '/v1/entries/{entryId}/repair/decision': {
    post: {
      summary: 'An appeal officer grants (ending the effect now) or refuses credit repair, with reasons',
      kind: 'write',
      path: [entryIdParameter],
      body: 'api/RepairDecisionRequest.json',
      response: ['200', 'Decided', response('responses.json', 'EntryDecision')],
      errors: { '404': 'No such entry' },
    },
  },
  '/v1/access-log': {
    get: {
      summary: 'What one viewer read. Auditors.',
      kind: 'read',
      query: 'api/AccessLogQuery.json',
      response: ['200', 'A page of the access log', response('accessLogResponses.json', 'ViewerAccessLog')],
    },
  },
  '/v1/listings': {
    post: {
      summary: 'List a subject on the blacklist (courts only, on an enforcement ruling) or the red list',
      kind: 'write',
      body: 'api/AddListingRequest.json',
      response: ['201', 'Listed', response('listingResponses.json', 'ListingCreated')],
      errors: { '404': 'No such subject or responsible person' },
    },
  },
  '/v1/listings/{id}/extension': {
    post: {
      summary: 'Extend an active blacklist listing with a new legal act',
      kind: 'write',
      path: [listingId],
      body: 'api/ExtendListingRequest.json',
      response: ['200', 'Extended', response('listingResponses.json', 'ListingExtended')],
      errors: { '404': 'No such listing' },
    },
  },
  '/v1/listings/{id}/removal-request': {
    post: {
      summary: 'Record what ends a listing early; the removal falls due within the working days the scheme sets',
      kind: 'write',
      path: [listingId],
      body: 'api/RequestListingRemovalRequest.json',
      response: ['202', 'Removal due', response('listingResponses.json', 'RemovalRequested')],
      errors: { '404': 'No such listing', '503': 'The working-day calendar does not cover the date' },
    },
  },
  '/v1/listings/{id}/removal': {
    post: {
      summary: 'Remove a listing, recording whether the removal was late',
      kind: 'write',
      path: [listingId],
      body: 'api/RemoveListingRequest.json',
      response: ['200', 'Removed', response('listingResponses.json', 'ListingRemoved')],
      errors: { '404': 'No such listing', '503': 'The working-day calendar does not cover the date' },
    },
  },
  '/v1/blacklist': {
    get: {
      summary: 'Active blacklist listings, paged, optionally by restriction',
      kind: 'read',
      query: 'api/BlacklistQuery.json',
      response: ['200', 'A page of listings', response('listingResponses.json', 'ListingPage')],
    },
  },
  '/v1/redlist': {
    get: {
      summary: 'Active red-list listings, paged',
      kind: 'read',
      query: 'api/RedlistQuery.json',
      response: ['200', 'A page of listings', response('listingResponses.json', 'ListingPage')],
    },
  },
  '/v1/listings/removals-overdue': {
    get: {
      summary: 'Listings still standing after their removal fell due',
      kind: 'read',
      query: 'api/OverdueRemovalsQuery.json',
      response: ['200', 'The overdue queue', response('listingResponses.json', 'OverdueRemovals')],
    },
  },
  '/v1/objections': {
    post: {
      summary: "The subject objects to one of their entries; the entry's recorder is asked for its evidence",
      kind: 'write',
      body: 'api/FileObjectionRequest.json',
      response: ['201', 'Filed, with its deadlines', response('objectionResponses.json', 'ObjectionFiled')],
      location: true,
      errors: {
        '404': 'No such entry (or not one of the caller’s)',
        '503': 'The working-day calendar does not cover the deadline',
      },
    },
    get: {
      summary: "The officers' queue, oldest filing first, with each objection's deadline clocks",
      kind: 'read',
      query: 'api/ObjectionQueueQuery.json',
      response: ['200', 'A page of the queue', response('objectionResponses.json', 'ObjectionQueue')],
    },
  },
  '/v1/objections/{id}': {
    get: {
      summary: "One objection. The subject's own; appeal officers and auditors any.",
      kind: 'read',
      path: [objectionId],
      query: 'api/ReadQuery.json',
      response: ['200', 'The objection', response('objectionResponses.json', 'Objection')],
      errors: { '404': 'No such objection (or not one the caller may see)' },
    },
  },
  '/v1/objections/{id}/evidence': {
    post: {
      summary: "Evidence: the entry's recorder answering the request, or the subject's new information",
      kind: 'write',
      path: [objectionId],
      body: 'api/ObjectionEvidenceRequest.json',
      response: ['200', 'Added', response('objectionResponses.json', 'EvidenceAdded')],
      errors: { '404': 'No such objection (or not one the caller may act on)' },
    },
  },
  '/v1/objections/{id}/extension': {
    post: {
      summary: 'Extend the decision deadline, once, after the subject added evidence. Appeal officers.',
      kind: 'write',
      path: [objectionId],
      body: 'api/ObjectionExtensionRequest.json',
      response: ['200', 'Extended', response('objectionResponses.json', 'DeadlineExtended')],
      errors: { '404': 'No such objection' },
    },
  },
  '/v1/objections/{id}/decision': {
    post: {
      summary:
        'Decide with reasons: the entry is upheld, reversed or amended. Appeal officers independent of the entry.',
      kind: 'write',
      path: [objectionId],
      body: 'api/ObjectionDecisionRequest.json',
      response: [
        '200',
        'Decided and carried out on the entry',
        response('objectionResponses.json', 'ObjectionDecided'),
      ],
      errors: { '404': 'No such objection', '503': 'The working-day calendar does not cover the deadline' },
    },
  },
  '/v1/objections/{id}/reconsideration': {
    post: {
      summary: 'The subject asks for a decision against them to be reconsidered by a senior officer',
      kind: 'write',
      path: [objectionId],
      body: 'api/ReconsiderationRequest.json',
      response: [
        '202',
        'Requested, with its deadline',
        response('objectionResponses.json', 'ReconsiderationRequested'),
      ],
      errors: { '404': 'No such objection (or not one of the caller’s)' },
    },
  },
  '/v1/objections/{id}/reconsideration/decision': {
    post: {
      summary: 'Reconsider with reasons. Senior appeal officers other than the first.',
      kind: 'write',
      path: [objectionId],
      body: 'api/ReconsiderationDecisionRequest.json',
      response: ['200', 'Reconsidered', response('objectionResponses.json', 'ReconsiderationDecided')],
      errors: { '404': 'No such objection' },
    },
  },
  '/v1/eligibility/{id}': {
    get: {
      summary: 'May the subject do this (a restriction) or have this (a perk)? Consumers, within their purposes.',
      kind: 'read',
      path: [subjectId],
      query: 'api/EligibilityQuery.json',
      response: ['200', 'Yes or no, and a reason code', response('responses.json', 'Eligibility')],
      errors: { '404': 'No such subject', '422': 'The scheme grants no such perk' },
    },
  },
  '/v1/checkpoints/latest': {
    get: {
      summary: 'The latest signed checkpoint of the log (public): tree size, RFC 9162 root, time, Ed25519 signature',
      kind: 'public',
      response: ['200', 'The checkpoint', response('responses.json', 'Checkpoint')],
      errors: { '404': 'No checkpoint issued yet' },
    },
  },
  '/v1/checkpoints': {
    post: {
      summary:
        'Issue a signed checkpoint now. Auditors. The key is published at /.well-known/ledger-checkpoint-key.pem',
      kind: 'operation',
      response: ['201', 'The checkpoint', response('responses.json', 'Checkpoint')],
    },
  },
  '/v1/proofs/inclusion': {
    get: {
      summary: 'An RFC 9162 inclusion proof that the event at a position is in the tree of a size (public)',
      kind: 'public',
      query: 'api/InclusionProofQuery.json',
      response: ['200', 'The proof', { type: 'object' }],
      errors: {
        '400': 'A query parameter is malformed',
        '422': 'The position or size is outside the log',
        '429': 'Too many proofs from this address this minute (LEDGER_PROOFS_PER_MINUTE)',
      },
    },
  },
  '/v1/proofs/consistency': {
    get: {
      summary: 'An RFC 9162 consistency proof between two tree sizes (public)',
      kind: 'public',
      query: 'api/ConsistencyProofQuery.json',
      response: ['200', 'The proof', { type: 'object' }],
      errors: {
        '400': 'A query parameter is malformed',
        '422': 'The sizes are outside the log',
        '429': 'Too many proofs from this address this minute (LEDGER_PROOFS_PER_MINUTE)',
      },
    },
  },
  '/v1/verify': {
    post: {
      summary: 'Verify every link of the hash chain, and the log against the latest checkpoint. Auditors.',
      kind: 'operation',
      response: ['200', 'The verdict: ok, or the first bad position and why', { type: 'object' }],
    },
  },
  '/v1/metrics': {
    get: {
      summary: 'Prometheus metrics (overdue listing removals). Auditors and operators.',
      kind: 'operation',
      response: ['200', 'Metrics in the Prometheus text format', { type: 'string' }],
      mediaType: 'text/plain; version=0.0.4',
    },
  },
  '/healthz': {
    get: {
      summary: 'Liveness, how far the read models have got, and how long the working-day calendar still answers',
      kind: 'public',
      response: ['200', 'Serving', { type: 'object' }],
    },
  },
  '/openapi.json': {
    get: { summary: 'This document', kind: 'public', response: ['200', 'The OpenAPI document', { type: 'object' }] },
  },
  '/problems/{code}': {
    get: {
      summary: 'What a problem type means: its status and title',
      kind: 'public',
      path: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
      response: ['200', 'The problem type', { type: 'object' }],
      errors: { '404': 'No such problem type' },
    },
  },
  '/.well-known/ledger-checkpoint-key.pem': {
    get: {
      summary: "The public key (Ed25519) that checks the ledger's signed checkpoints",
      kind: 'public',
      response: ['200', 'The key', { type: 'string' }],
      mediaType: 'application/x-pem-file',
    },
  },
};

export const buildOpenApiDocument = (schemas: SchemaRegistry, version: string): Record<string, unknown> => {
  const components: Record<string, Json> = {};
  for (const [path, schema] of schemas.schemas())
    components[componentName(path)] = rewriteRefs(schema, schemaIdBase + path);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Credit ledger API',
      version,
      description:
        'An event-sourced credit ledger. Errors are RFC 9457 problem details; their types: ' +
        Object.keys(problemTypes)
          .map((code) => `/problems/${code}`)
          .join(', '),
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearerToken: [] }, { apiKey: [] }],
    paths: Object.fromEntries(
      Object.entries(operations).map(([path, methods]) => [
        path,
        Object.fromEntries(Object.entries(methods).map(([method, spec]) => [method, operation(schemas, spec)])),
      ]),
    ),
    components: {
      schemas: components,
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT (EdDSA)',
          description: 'People: a JWT naming roles',
        },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'Machine consumers: eligibility questions only',
        },
      },
    },
  };
};
