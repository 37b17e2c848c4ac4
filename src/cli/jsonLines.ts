import { isPosition, type EventMetadata, type NewEvent, type RecordedEvent } from '../events/eventStore';
import type { SchemaRegistry } from '../schemaRegistry';

/**
 * The log as JSON Lines (`ledger export`, `ledger import`): one event a line, in the log's order, with every
 * field the store records:
 *
 *   {"streamName":"subject-r-000001","revision":"0","id":"…","type":"SubjectRegistered","data":{…},
 *    "metadata":{"schemaVersion":1,…},"recordedAt":"2026-11-26T10:00:00.000Z","position":"00000000000000000002",
 *    "hash":"…"}
 *
 * `revision` is a decimal string (a bigint: JSON numbers lose precision past 2^53), `recordedAt` is written as
 * Date.toISOString() writes it, and `hash` is the event's link in its stream's hash chain where the source
 * store keeps one. So a line holds every input of the chain digest (integrity/eventHash.ts): the source's
 * chain can be checked from the file alone, and `import` checks it as it reads (sourceChain.ts), refusing a
 * line without a hash. The file carries no checkpoint or count, so lines cut from the end of a stream (or of the
 * file) cannot be told from the chain. An importing store keeps the ids, types, data, metadata and
 * revisions, and stamps its own recordedAt, position and hash (the port has no way to append at another
 * instant): the original knowledge times stay in the file, which is the record of the source.
 */

export interface LogLine {
  streamName: string;
  revision: string;
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: string;
  position: string;
  hash?: string;
}

export const toLogLine = (event: RecordedEvent): string => {
  const line: LogLine = {
    streamName: event.streamName,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
    position: event.position,
    ...(event.hash === undefined ? {} : { hash: event.hash }),
  };
  return JSON.stringify(line);
};

/** The event a line holds, as it is appended again. */
export const newEventOf = (line: LogLine): NewEvent => ({
  id: line.id,
  type: line.type,
  data: line.data,
  metadata: line.metadata,
});

/** A line that is not an event of this ledger: not JSON, a field missing or malformed, data breaking its schema. */
export class LogLineInvalidError extends Error {
  override readonly name = 'LogLineInvalidError';
  constructor(
    readonly lineNumber: number,
    readonly field: string,
    detail: string,
  ) {
    super(`line ${lineNumber}: ${field ? `${field} ` : ''}${detail}`);
  }
}

const revisionPattern = /^(0|[1-9][0-9]{0,18})$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hashPattern = /^[0-9a-f]{64}$/;
const lineFields = new Set([
  'streamName',
  'revision',
  'id',
  'type',
  'data',
  'metadata',
  'recordedAt',
  'position',
  'hash',
]);
const optionalMetadataFields = ['actorId', 'correlationId', 'causationId', 'idempotencyKey'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** EventMetadata exactly: a schema version, and the optional ids as strings. */
const checkMetadata = (metadata: unknown, fail: (field: string, detail: string) => never): void => {
  if (!isObject(metadata)) return fail('metadata', 'must be an object');
  const { schemaVersion } = metadata;
  if (!Number.isSafeInteger(schemaVersion) || (schemaVersion as number) < 1) {
    fail('metadata.schemaVersion', 'must be a whole number from 1');
  }
  for (const field of Object.keys(metadata)) {
    if (field === 'schemaVersion') continue;
    if (!(optionalMetadataFields as readonly string[]).includes(field))
      fail(`metadata.${field}`, 'is not a known field');
    if (typeof metadata[field] !== 'string') fail(`metadata.${field}`, 'must be a string');
  }
};

/** Reads one line of an export, checking its shape and its event's data against the event type's schema. */
export const parseLogLine = (text: string, lineNumber: number, schemas: SchemaRegistry): LogLine => {
  const fail = (field: string, detail: string): never => {
    throw new LogLineInvalidError(lineNumber, field, detail);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail('', `is not JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) return fail('', 'is not a JSON object');
  for (const field of Object.keys(value)) if (!lineFields.has(field)) fail(field, 'is not a known field');
  const { streamName, revision, id, type, data, recordedAt, position, hash } = value;
  if (typeof streamName !== 'string' || streamName === '') fail('streamName', 'must be a non-empty string');
  if (typeof revision !== 'string' || !revisionPattern.test(revision)) fail('revision', 'must be a decimal string');
  if (typeof id !== 'string' || !uuidPattern.test(id)) fail('id', 'must be a UUID');
  if (typeof recordedAt !== 'string' || Number.isNaN(Date.parse(recordedAt))) {
    fail('recordedAt', 'must be an ISO date-time');
  }
  if (!isPosition(position)) fail('position', 'must be a position of 20 digits');
  if (hash !== undefined && (typeof hash !== 'string' || !hashPattern.test(hash))) {
    fail('hash', 'must be 64 lower-case hex digits');
  }
  checkMetadata(value.metadata, fail);
  const schemaPath = `events/${String(type)}.json`;
  if (typeof type !== 'string' || !schemas.schemas().has(schemaPath)) {
    return fail('type', `${JSON.stringify(type)} is not an event type of this ledger`);
  }
  const failure = schemas.validate(schemaPath, data);
  if (failure) fail(`data${failure.field.split('/').join('.')}`, failure.message);
  return value as unknown as LogLine;
};
