import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from './projectRoot';

/**
 * Every JSON Schema under schemas/, compiled once into one ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses).
 * Schemas are the single source of shapes: requests, events and the scheme are validated here, and the
 * OpenAPI document is built from the same files.
 *
 * A schema's $id is `${schemaIdBase}<path under schemas/>`, e.g. `.../events/EntryPosted.json`.
 */
export const schemaIdBase = 'https://schemas.credit-ledger.example/';

export interface ValidationFailure {
  /** JSON pointer to the failing field, e.g. `/evidence/0/sha256`; `` for the whole document. */
  field: string;
  message: string;
}

export interface SchemaRegistry {
  /**
   * Undefined when the value is valid; otherwise the first failure (ajv runs with allErrors off).
   * `schemaRef` is a path under schemas/, optionally with a fragment: `api/responses.json#/$defs/Score`.
   */
  validate(schemaRef: string, value: unknown): ValidationFailure | undefined;
  /** The raw schema documents by path under schemas/ (e.g. `api/RegisterSubject.json`). */
  schemas(): ReadonlyMap<string, Record<string, unknown>>;
}

const listJsonFiles = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return listJsonFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });

export const failureOf = (error: ErrorObject): ValidationFailure => {
  const base = error.instancePath;
  switch (error.keyword) {
    case 'additionalProperties':
      return { field: `${base}/${String(error.params.additionalProperty)}`, message: 'is not a known field' };
    case 'required':
      return { field: `${base}/${String(error.params.missingProperty)}`, message: 'is required' };
    case 'unevaluatedProperties':
      return { field: `${base}/${String(error.params.unevaluatedProperty)}`, message: 'is not a known field' };
    case 'false schema':
      return { field: base, message: 'is not allowed here' };
    default:
      return { field: base, message: error.message ?? `fails ${error.keyword}` };
  }
};

const rfc3339DateTime = fullFormats['date-time'] as {
  validate: (text: string) => boolean;
  compare: (a: string, b: string) => number | undefined;
};

/**
 * An RFC 3339 date-time that the ledger can hold as an instant. ajv-formats also accepts an offset without minutes
 * (`+08`) and a leap second (`23:59:60`), which JavaScript's Date cannot read: such a value passed validation and
 * failed later as an invalid date (a 500).
 */
export const isInstant = (text: string): boolean =>
  rfc3339DateTime.validate(text) && /(?:z|:\d\d)$/i.test(text) && !Number.isNaN(Date.parse(text));

export const createSchemaRegistry = (schemasFolder = join(projectRoot(), 'schemas')): SchemaRegistry => {
  // strictRequired is off because if/then schemas name properties declared beside them, not inside.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false });
  addFormats(ajv);
  ajv.addFormat('date-time', { type: 'string', validate: isInstant, compare: rfc3339DateTime.compare });
  const documents = new Map<string, Record<string, unknown>>();
  for (const file of listJsonFiles(schemasFolder).sort()) {
    const path = relative(schemasFolder, file).split('\\').join('/');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const expectedId = schemaIdBase + path;
    if (schema.$id !== expectedId) throw new Error(`schema ${path}: $id must be ${expectedId}`);
    documents.set(path, schema);
    ajv.addSchema(schema);
  }
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (schemaRef: string): ValidateFunction => {
    let check = compiled.get(schemaRef);
    if (!check) {
      check = ajv.getSchema(schemaIdBase + schemaRef);
      if (!check) throw new Error(`no schema ${schemaRef} under schemas/`);
      compiled.set(schemaRef, check);
    }
    return check;
  };
  for (const path of documents.keys()) validatorFor(path);

  return {
    validate(schemaRef, value) {
      const check = validatorFor(schemaRef);
      if (check(value)) return undefined;
      return failureOf((check.errors ?? [])[0] as ErrorObject);
    },
    schemas: () => documents,
  };
};

let shared: SchemaRegistry | undefined;
/** The registry of this project's schemas/, compiled on first use. */
export const schemaRegistry = (): SchemaRegistry => (shared ??= createSchemaRegistry());
