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
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('api/responses.json', '/$defs/Problem') } },
});

const subjectIdParameter = { name: 'id', in: 'path', required: true, schema: ref('common.json', '/$defs/subjectId') };
const minPositionParameter = {
  name: 'minPosition',
  in: 'query',
  required: false,
  description: 'Wait (at most 2 s) until the read model has applied this position, as returned by a write.',
  schema: ref('common.json', '/$defs/position'),
};
const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'A retry with the same key returns the first response and writes nothing.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const authErrors = {
  '401': problem('No valid credentials (a bearer token for people, an X-API-Key for consumers)'),
  '403': problem('The role does not allow this'),
};

const writeErrors = {
  ...authErrors,
  '400': problem('The body breaks its schema (the problem names the field), or is not JSON'),
  '413': problem('The body is over the size limit'),
  '415': problem('The body is not application/json'),
  '422': problem('A rule of the ledger is broken; nothing was written'),
};

const paths = {
  '/v1/subjects': {
    post: {
      summary: 'Register a subject (a person aged 18 or over, or an organisation)',
      parameters: [idempotencyKeyParameter],
      requestBody: { required: true, content: json(ref('api/RegisterSubjectRequest.json')) },
      responses: {
        '201': { description: 'Registered', content: json(ref('api/responses.json', '/$defs/SubjectCreated')) },
        ...writeErrors,
        '409': problem('The subject is already registered'),
      },
    },
  },
  '/v1/subjects/{id}': {
    get: {
      summary: 'A subject and its directory record',
      parameters: [subjectIdParameter, minPositionParameter],
      responses: {
        '200': { description: 'The subject', content: json(ref('api/responses.json', '/$defs/Subject')) },
        ...authErrors,
        '404': problem('No such subject (or not one the caller may see)'),
        '503': problem('The read model has not reached minPosition yet'),
      },
    },
  },
  '/v1/subjects/{id}/entries': {
    post: {
      summary: 'Record a deed or violation against a catalogue rule',
      parameters: [subjectIdParameter, idempotencyKeyParameter],
      requestBody: { required: true, content: json(ref('api/RecordEntryRequest.json')) },
      responses: {
        '201': {
          description: 'Recorded and in effect',
          content: json(ref('api/responses.json', '/$defs/EntryRecorded')),
        },
        ...writeErrors,
        '404': problem('No such subject'),
        '409': problem('Concurrent writes to the subject'),
      },
    },
  },
  '/v1/subjects/{id}/score': {
    get: {
      summary: "The subject's score and grade now, with the explanation behind them",
      parameters: [subjectIdParameter, minPositionParameter],
      responses: {
        '200': { description: 'The score', content: json(ref('api/responses.json', '/$defs/Score')) },
        ...authErrors,
        '404': problem('No such subject (or not one the caller may see)'),
        '503': problem('The read model has not reached minPosition yet'),
      },
    },
  },
  '/v1/subjects/{id}/history': {
    get: {
      summary: "The subject's history, oldest first, paged",
      parameters: [
        subjectIdParameter,
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        },
        {
          name: 'after',
          in: 'query',
          required: false,
          description: 'The `next` of the previous page',
          schema: ref('common.json', '/$defs/position'),
        },
        minPositionParameter,
      ],
      responses: {
        '200': { description: 'A page of history', content: json(ref('api/responses.json', '/$defs/History')) },
        '400': problem('A query parameter is malformed'),
        ...authErrors,
        '404': problem('No such subject (or not one the caller may see)'),
        '503': problem('The read model has not reached minPosition yet'),
      },
    },
  },
  '/v1/scheme': {
    get: {
      summary: 'The scheme version in force, with its catalogue (public: no credentials needed)',
      security: [],
      responses: { '200': { description: 'The scheme', content: json(ref('scheme.schema.json')) } },
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
    paths,
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
