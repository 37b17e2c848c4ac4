import { Router, type Request } from 'express';
import type { EvidenceRef } from '../../events/ledgerEvents';
import type { Ledger } from '../../ledger/ledger';
import type { ApprovalsReadModel, ApprovalStatus } from '../../projections/approvalsProjection';
import type { ProjectionRunner } from '../../projections/runner';
import type { ScoreReadModel } from '../../projections/scoreProjection';
import type { SchemaRegistry } from '../../schemaRegistry';
import type { AccessRecorder } from '../accessRecorder';
import { authorize } from '../auth/authenticate';
import type { IdempotentRoute } from '../idempotency';
import { Problem } from '../problems';
import { awaitMinPosition } from '../readConsistency';
import { markSubjectsRead, recordReads, subjectsMarkedRead } from '../recordReads';
import { validateBody, validateQuery } from '../validation';

/**
 * Due process on an entry, by its id: four-eyes approval and the approvers' queue (of proposed entries and proposed
 * reinstatements), reinstatement with new evidence, the subject's statement of dispute, and credit repair. Mounted
 * under /v1.
 */

export interface EntryRoutesOptions {
  ledger: Ledger;
  scores: ScoreReadModel;
  approvals: ApprovalsReadModel;
  schemas: SchemaRegistry;
  idempotent: IdempotentRoute;
  runner: ProjectionRunner;
  recorder: AccessRecorder;
}

export const approvalsPageSizeDefault = 50;

export const entryRoutes = ({
  ledger,
  scores,
  approvals,
  schemas,
  idempotent,
  runner,
  recorder,
}: EntryRoutesOptions): Router => {
  const router = Router();
  const entryIdOf = (req: Request): string => req.params.entryId as string;
  /** The subject whose entry the path names; resident grants reach their own entries only. */
  const subjectOfEntry = (req: Request): string | undefined =>
    scores.subjectOfEntry(entryIdOf(req)) ?? approvals.subjectOfEntry(entryIdOf(req));
  const entryNotFound = (req: Request) => new Problem('entry-not-found', `no entry ${entryIdOf(req)}`);
  const about = (req: Request) => {
    const subjectId = subjectOfEntry(req);
    if (subjectId === undefined) throw entryNotFound(req);
    return { subjectId, entryId: entryIdOf(req) };
  };

  router.get(
    '/approvals',
    authorize('approval:read'),
    validateQuery(schemas, 'api/ApprovalsQuery.json'),
    awaitMinPosition(runner),
    recordReads(recorder, 'approvals', subjectsMarkedRead),
    (req, res) => {
      const {
        status = 'pending',
        after,
        limit,
      } = req.query as { status?: ApprovalStatus; after?: string; limit?: string };
      const page = approvals.queue({
        status,
        ...(after ? { after } : {}),
        limit: limit ? Number(limit) : approvalsPageSizeDefault,
      });
      markSubjectsRead(
        res,
        page.items.map((item) => item.subjectId),
      );
      res.json(page);
    },
  );

  router.post(
    '/entries/:entryId/approval',
    authorize('entry:approve'),
    validateBody(schemas, 'api/ApprovalDecisionRequest.json'),
    idempotent(async (req, context) => {
      const result = await ledger.decideApproval(
        { ...about(req), ...(req.body as { decision: 'approve' | 'reject'; reason?: string }) },
        context,
      );
      return { status: 200, body: { entryId: entryIdOf(req), status: result.status, position: result.position } };
    }),
  );

  router.post(
    '/entries/:entryId/reinstatement',
    authorize('entry:reinstate'),
    validateBody(schemas, 'api/ReinstatementRequest.json'),
    idempotent(async (req, { principal, ...context }) => {
      if (principal.authority === undefined)
        throw new Problem('forbidden', 'a recorder acts for an authority; this token names none');
      const body = req.body as { evidence: EvidenceRef[]; reasons: string };
      const result = await ledger.reinstateEntry(
        { ...about(req), ...body },
        { ...context, authority: principal.authority },
      );
      // Like a recording: 202 while the reinstatement awaits a second person's approval (four eyes).
      const status = result.status === 'pending' ? 202 : 200;
      return { status, body: { entryId: entryIdOf(req), status: result.status, position: result.position } };
    }),
  );

  router.post(
    '/entries/:entryId/statement',
    authorize('statement:add', subjectOfEntry, entryNotFound),
    validateBody(schemas, 'api/StatementRequest.json'),
    idempotent(async (req, context) => {
      const result = await ledger.addStatementOfDispute(
        { ...about(req), text: (req.body as { text: string }).text },
        context,
      );
      return { status: 201, body: { entryId: entryIdOf(req), status: 'statementAdded', position: result.position } };
    }),
  );

  router.post(
    '/entries/:entryId/repair',
    authorize('repair:request', subjectOfEntry, entryNotFound),
    validateBody(schemas, 'api/RepairRequest.json'),
    idempotent(async (req, context) => {
      const result = await ledger.requestCreditRepair(
        { ...about(req), proof: (req.body as { proof: EvidenceRef[] }).proof },
        context,
      );
      return {
        status: 202,
        body: {
          entryId: entryIdOf(req),
          status: 'repairRequested',
          repairId: result.repairId,
          position: result.position,
        },
      };
    }),
  );

  router.post(
    '/entries/:entryId/repair/decision',
    authorize('repair:decide'),
    validateBody(schemas, 'api/RepairDecisionRequest.json'),
    idempotent(async (req, context) => {
      const body = req.body as { decision: 'grant' | 'refuse'; reasons: string };
      const result = await ledger.decideCreditRepair({ ...about(req), ...body }, context);
      const status = body.decision === 'grant' ? 'repaired' : 'repairRefused';
      return { status: 200, body: { entryId: entryIdOf(req), status, position: result.position } };
    }),
  );

  return router;
};
