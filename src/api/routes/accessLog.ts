import { Router, type Request } from 'express';
import type { AccessLogReadModel, AccessCursor } from '../../projections/accessLogProjection';
import type { ProjectionRunner } from '../../projections/runner';
import type { SchemaRegistry } from '../../schemaRegistry';
import type { AccessRecorder } from '../accessRecorder';
import { subjectIdParam, type authorize as authorizeMiddleware } from '../auth/authenticate';
import { awaitMinPosition } from '../readConsistency';
import { markSubjectsRead, recordReads, subjectOfPath, subjectsMarkedRead } from '../recordReads';
import { validateQuery, wellFormedSubjectId } from '../validation';

/**
 * Who read a subject's data. A resident lists the reads of their own record; an auditor lists anyone's, or
 * what one viewer has read. An auditor's look at someone's access log is itself a read of that subject's data,
 * and is recorded like any other.
 *
 * The access log knows no subject registry: a well-formed id no one has read answers an empty page.
 */

export interface AccessLogRoutesOptions {
  accessLog: AccessLogReadModel;
  recorder: AccessRecorder;
  authorize: typeof authorizeMiddleware;
  schemas: SchemaRegistry;
  runner: ProjectionRunner;
}

export const accessLogPageSizeDefault = 50;

const pageOptions = (req: Request): { after?: AccessCursor; limit: number } => ({
  ...(typeof req.query.after === 'string' ? { after: req.query.after } : {}),
  limit: typeof req.query.limit === 'string' ? Number(req.query.limit) : accessLogPageSizeDefault,
});

export const accessLogRoutes = (options: AccessLogRoutesOptions): Router => {
  const { accessLog, recorder, authorize, schemas, runner } = options;
  const router = Router();
  const consistentRead = awaitMinPosition(runner);

  router.get(
    '/subjects/:id/access-log',
    authorize('accessLog:read', subjectIdParam),
    validateQuery(schemas, 'api/SubjectAccessLogQuery.json'),
    wellFormedSubjectId(schemas),
    recordReads(recorder, 'accessLog', subjectOfPath),
    consistentRead,
    (req, res) => {
      const subjectId = req.params.id as string;
      res.json({ subjectId, ...accessLog.forSubject(subjectId, pageOptions(req)) });
    },
  );

  router.get(
    '/access-log',
    authorize('accessLog:query'),
    validateQuery(schemas, 'api/AccessLogQuery.json'),
    recordReads(recorder, 'accessLog', subjectsMarkedRead),
    consistentRead,
    (req, res) => {
      const viewerId = req.query.viewer as string;
      const subjectId = typeof req.query.subject === 'string' ? req.query.subject : undefined;
      const page = accessLog.byViewer(viewerId, { ...pageOptions(req), ...(subjectId ? { subjectId } : {}) });
      markSubjectsRead(
        res,
        page.items.map((item) => item.subjectId),
      );
      res.json({ viewerId, ...(subjectId ? { subjectId } : {}), ...page });
    },
  );

  return router;
};
