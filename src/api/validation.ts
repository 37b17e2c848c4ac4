import type { RequestHandler } from 'express';
import type { SchemaRegistry } from '../schemaRegistry';
import { Problem, subjectNotFound } from './problems';

/**
 * Request validation against the JSON Schemas under schemas/api/: the body, or the query string (whose
 * values are strings). Unknown fields are rejected, never stripped. The problem names the failing field.
 */

const failureProblem = (where: 'body' | 'query', field: string, message: string): Problem => {
  const name = `${where === 'query' ? '?' : ''}${field.replace(/^\//, '') || '(whole document)'}`;
  return new Problem('validation-failed', `${name}: ${message}`, { errors: [{ in: where, field, message }] });
};

export const validateBody =
  (schemas: SchemaRegistry, schemaPath: string): RequestHandler =>
  (req, _res, next) => {
    if (!req.is('application/json')) {
      throw new Problem(
        'unsupported-media-type',
        `send the body as application/json, not ${req.get('content-type') ?? 'nothing'}`,
      );
    }
    const failure = schemas.validate(schemaPath, req.body);
    if (failure) throw failureProblem('body', failure.field, failure.message);
    next();
  };

export const validateQuery =
  (schemas: SchemaRegistry, schemaPath: string): RequestHandler =>
  (req, _res, next) => {
    const failure = schemas.validate(schemaPath, { ...req.query });
    if (failure) throw failureProblem('query', failure.field, failure.message);
    next();
  };

/**
 * Answers a path `:id` that could name no subject as no such subject (404). Put it before recordReads on a read that
 * answers without looking the subject up: an id that could name no subject must never reach the access log, whose
 * event would be refused, and with it every record of its batch.
 */
export const wellFormedSubjectId =
  (schemas: SchemaRegistry): RequestHandler =>
  (req, _res, next) => {
    const subjectId = req.params.id as string;
    if (schemas.validate('common.json#/$defs/subjectId', subjectId)) {
      throw subjectNotFound(subjectId);
    }
    next();
  };
