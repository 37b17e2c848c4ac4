import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { EvidenceRef } from '../../events/ledgerEvents';
import type { ObjectionOutcome, ReconsiderationOutcome } from '../../events/objectionEvents';
import { objectionNotFound, type Amendment, type ObjectionStatus } from '../../ledger/objection';
import type { CommandContext } from '../../ledger/commandHandler';
import type { NewObjection, ObjectionActor, Objections } from '../../ledger/objections';
import type { ObjectionsReadModel } from '../../projections/objectionsProjection';
import type { ProjectionRunner } from '../../projections/runner';
import type { SchemaRegistry } from '../../schemaRegistry';
import type { AccessRecorder } from '../accessRecorder';
import { grantFor, type authorize as authorizeMiddleware } from '../auth/authenticate';
import type { Permission } from '../auth/permissions';
import { principalOf, type Principal } from '../auth/principal';
import type { CommandResponse, IdempotentRoute } from '../idempotency';
import { awaitMinPosition } from '../readConsistency';
import { markSubjectsRead, recordReads, subjectsMarkedRead } from '../recordReads';
import { validateBody, validateQuery } from '../validation';

/**
 * Objections to entries (reference/domain.md B6): the subject files and may ask for reconsideration, the
 * entry's recorder or the subject sends evidence, an appeal officer extends and decides, a senior appeal
 * officer reconsiders. Who may act on an objection beyond the role (the subject, the entry's recorder, an
 * officer independent of the entry) is the objection decider's to say. Reads of an objection by anyone but
 * its subject are reads of the subject's record, and recorded. Mounted under /v1.
 */

export interface ObjectionRoutesOptions {
  objections: Objections;
  objectionsView: ObjectionsReadModel;
  authorize: typeof authorizeMiddleware;
  schemas: SchemaRegistry;
  clock: () => Date;
  idempotent: IdempotentRoute;
  runner: ProjectionRunner;
  recorder: AccessRecorder;
}

/** The most items a page of the queue answers with, and the default. */
export const objectionPageSizeMax = 200;

const objectionIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An objection id from the path: anything but an objection id names no objection. */
const objectionIdOf = (req: Request): string => {
  const objectionId = req.params.id as string;
  if (!objectionIdPattern.test(objectionId)) throw objectionNotFound(objectionId);
  return objectionId;
};

/** The acting principal as the objection commands know them: the context (their own subject too), and the senior rank. */
const actorOf = (principal: Principal, context: CommandContext): ObjectionActor => ({
  ...context,
  senior: principal.roles.includes('seniorAppealOfficer'),
});

interface DecisionBody extends Amendment {
  outcome: string;
  reasons: string;
}

const queryString = (req: Request, name: string): string | undefined =>
  typeof req.query[name] === 'string' ? req.query[name] : undefined;

export const objectionRoutes = (options: ObjectionRoutesOptions): Router => {
  const { objections, objectionsView, authorize, schemas, clock, idempotent, runner, recorder } = options;
  const router = Router();
  const consistentRead = awaitMinPosition(runner);

  /** An objection command on behalf of the authenticated principal, idempotent by its key. */
  const command = (run: (req: Request, actor: ObjectionActor) => Promise<CommandResponse>): RequestHandler =>
    idempotent((req, { principal, ...context }) => run(req, actorOf(principal, context)));

  /**
   * Requires `permission` on the objection in the path. Under an `own` grant (a resident) it must be about
   * their own record; an objection that is not, or does not exist, answers 404 alike, hiding which.
   */
  const authorizeOnObjection =
    (permission: Permission, subjectOf: (objectionId: string) => Promise<string | undefined> | string | undefined) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const scope = grantFor(res, permission);
      const objectionId = objectionIdOf(req);
      const subjectId = await subjectOf(objectionId);
      if (subjectId === undefined || (scope === 'own' && subjectId !== principalOf(res).subjectId)) {
        throw objectionNotFound(objectionId);
      }
      next();
    };
  /** Writes check against the store itself, so that a subject may act on an objection the moment it is filed. */
  const onStoredObjection = (permission: Permission) => authorizeOnObjection(permission, objections.subjectOf);

  // Whose objection it is, the body says: it is validated first, so that a body that names no subject (or is no
  // JSON at all) answers 400 or 415, not as if it named one the caller may not see.
  router.post(
    '/objections',
    validateBody(schemas, 'api/FileObjectionRequest.json'),
    authorize('objection:file', (req) => (req.body as NewObjection).subjectId),
    command(async (req, actor) => {
      const filed = await objections.fileObjection(req.body as NewObjection, actor);
      return { status: 201, location: `/v1/objections/${filed.objectionId}`, body: withoutReplayed(filed) };
    }),
  );

  router.post(
    '/objections/:id/evidence',
    onStoredObjection('objection:evidence'),
    validateBody(schemas, 'api/ObjectionEvidenceRequest.json'),
    command(async (req, actor) => {
      const { evidence } = req.body as { evidence: EvidenceRef[] };
      const added = await objections.submitEvidence({ objectionId: objectionIdOf(req), evidence }, actor);
      return { status: 200, body: withoutReplayed(added) };
    }),
  );

  router.post(
    '/objections/:id/extension',
    authorize('objection:decide'),
    validateBody(schemas, 'api/ObjectionExtensionRequest.json'),
    command(async (req, actor) => {
      const extended = await objections.extendDeadline({ objectionId: objectionIdOf(req) }, actor);
      return { status: 200, body: withoutReplayed(extended) };
    }),
  );

  router.post(
    '/objections/:id/decision',
    authorize('objection:decide'),
    validateBody(schemas, 'api/ObjectionDecisionRequest.json'),
    command(async (req, actor) => {
      const body = req.body as DecisionBody;
      const decided = await objections.decide(
        { ...body, outcome: body.outcome as ObjectionOutcome, objectionId: objectionIdOf(req) },
        actor,
      );
      return { status: 200, body: withoutReplayed(decided) };
    }),
  );

  router.post(
    '/objections/:id/reconsideration',
    onStoredObjection('objection:file'),
    validateBody(schemas, 'api/ReconsiderationRequest.json'),
    command(async (req, actor) => {
      const { grounds } = req.body as { grounds: string };
      const requested = await objections.requestReconsideration({ objectionId: objectionIdOf(req), grounds }, actor);
      return { status: 202, body: withoutReplayed(requested) };
    }),
  );

  router.post(
    '/objections/:id/reconsideration/decision',
    authorize('objection:reconsider'),
    validateBody(schemas, 'api/ReconsiderationDecisionRequest.json'),
    command(async (req, actor) => {
      const body = req.body as DecisionBody;
      const decided = await objections.decideReconsideration(
        { ...body, outcome: body.outcome as ReconsiderationOutcome, objectionId: objectionIdOf(req) },
        actor,
      );
      return { status: 200, body: withoutReplayed(decided) };
    }),
  );

  router.get(
    '/objections',
    authorize('objection:read'),
    recordReads(recorder, 'objections', subjectsMarkedRead),
    validateQuery(schemas, 'api/ObjectionQueueQuery.json'),
    consistentRead,
    (req, res) => {
      const asOf = clock();
      const dueBefore = queryString(req, 'dueBefore');
      const limit = queryString(req, 'limit');
      const status = queryString(req, 'status') as ObjectionStatus | undefined;
      const assignee = queryString(req, 'assignee');
      const after = queryString(req, 'after');
      const page = objectionsView.queue({
        at: asOf,
        limit: limit === undefined ? objectionPageSizeMax : Number(limit),
        ...(status ? { status } : {}),
        ...(assignee ? { assignee } : {}),
        ...(dueBefore ? { dueBefore: new Date(dueBefore) } : {}),
        ...(after ? { after } : {}),
      });
      markSubjectsRead(
        res,
        page.items.map((item) => item.subjectId),
      );
      res.json({ ...page, asOf: asOf.toISOString() });
    },
  );

  router.get(
    '/objections/:id',
    validateQuery(schemas, 'api/ReadQuery.json'),
    consistentRead,
    authorizeOnObjection('objection:read', (objectionId) => objectionsView.objection(objectionId)?.subjectId),
    recordReads(recorder, 'objection', subjectsMarkedRead),
    (req, res) => {
      const record = objectionsView.objection(objectionIdOf(req));
      if (!record) throw objectionNotFound(objectionIdOf(req));
      markSubjectsRead(res, [record.subjectId]);
      res.json(record);
    },
  );

  return router;
};

/** A command's result as the API answers it: without the flag telling whether the ledger had seen it before. */
const withoutReplayed = <Result extends { replayed: boolean }>({ replayed: _replayed, ...rest }: Result) => rest;
