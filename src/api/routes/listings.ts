import { Router, type Request, type RequestHandler } from 'express';
import type { EvidenceRef } from '../../events/ledgerEvents';
import { ListingNotFound } from '../../ledger/errors';
import type { RecordingContext } from '../../ledger/ledger';
import type { RemovalTrigger } from '../../ledger/listing';
import type { ListName, RemovalReason, Restriction } from '../../ledger/listingCodes';
import type { Listings, NewListing } from '../../ledger/listings';
import { itemOf, type ListingItem, type ListingsReadModel } from '../../projections/listingsProjection';
import type { ProjectionRunner } from '../../projections/runner';
import type { SchemaRegistry } from '../../schemaRegistry';
import { subjectIdParam, type authorize as authorizeMiddleware } from '../auth/authenticate';
import { principalOf } from '../auth/principal';
import type { CommandResponse, IdempotentRoute } from '../idempotency';
import { Problem } from '../problems';
import { awaitMinPosition } from '../readConsistency';
import type { AccessRecorder } from '../accessRecorder';
import { markSubjectsRead, recordReads, subjectsMarkedRead } from '../recordReads';
import { validateBody, validateQuery, wellFormedSubjectId } from '../validation';

/**
 * The blacklist of judgment defaulters and the red list: writes by recorders (the blacklist by courts only,
 * which the decider enforces), reads by those granted `listing:read` for any subject (a resident's `own`
 * grant does not open a whole list). Mounted under /v1.
 */

export interface ListingRoutesOptions {
  listings: Listings;
  listingsView: ListingsReadModel;
  authorize: typeof authorizeMiddleware;
  schemas: SchemaRegistry;
  clock: () => Date;
  idempotent: IdempotentRoute;
  runner: ProjectionRunner;
  recorder: AccessRecorder;
}

/** The most items a list page or the overdue queue answers with, and the default. */
export const listingPageSizeMax = 200;

const listingIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A listing id from the path: anything but a listing id names no listing. */
const listingIdOf = (req: Request): string => {
  const listingId = req.params.id as string;
  if (!listingIdPattern.test(listingId)) throw new ListingNotFound(listingId);
  return listingId;
};

const limitOf = (req: Request): number =>
  typeof req.query.limit === 'string' ? Number(req.query.limit) : listingPageSizeMax;

/** Everyone a page of listings names: the listed subjects and the persons bound with them. */
const subjectsNamedIn = (items: readonly ListingItem[]): string[] =>
  items.flatMap((item) => [item.subjectId, ...item.responsiblePersons]);

interface ExtensionBody {
  months: number;
  legalAct: EvidenceRef;
}

interface RemovalRequestBody {
  reason: RemovalReason;
  triggeredAt: string;
  evidence: EvidenceRef[];
}

export const listingRoutes = (options: ListingRoutesOptions): Router => {
  const { listings, listingsView, authorize, schemas, clock, idempotent, runner, recorder } = options;
  const router = Router();
  const consistentRead = awaitMinPosition(runner);

  /**
   * A write on behalf of a recorder: the idempotent command, told the authority the recorder acts for. The
   * authority comes from the authenticated principal, never from the request.
   */
  const asRecorder =
    (command: (req: Request, context: RecordingContext) => Promise<CommandResponse>): RequestHandler =>
    (req, res, next) => {
      const { authority } = principalOf(res);
      if (authority === undefined)
        throw new Problem('forbidden', 'a recorder acts for an authority; this one names none');
      return idempotent((request, { principal: _principal, ...context }) =>
        command(request, { ...context, authority }),
      )(req, res, next);
    };

  router.post(
    '/listings',
    authorize('listing:write'),
    validateBody(schemas, 'api/AddListingRequest.json'),
    asRecorder(async (req, context) => {
      const result = await listings.addListing(req.body as NewListing, context);
      return {
        status: 201,
        body: { listingId: result.listingId, status: 'active', until: result.until, position: result.position },
      };
    }),
  );

  router.post(
    '/listings/:id/extension',
    authorize('listing:write'),
    validateBody(schemas, 'api/ExtendListingRequest.json'),
    asRecorder(async (req, context) => {
      const result = await listings.extendListing(
        { listingId: listingIdOf(req), ...(req.body as ExtensionBody) },
        context,
      );
      return { status: 200, body: { listingId: result.listingId, until: result.until, position: result.position } };
    }),
  );

  router.post(
    '/listings/:id/removal-request',
    authorize('listing:write'),
    validateBody(schemas, 'api/RequestListingRemovalRequest.json'),
    asRecorder(async (req, context) => {
      const result = await listings.requestRemoval(
        { listingId: listingIdOf(req), ...(req.body as RemovalRequestBody) },
        context,
      );
      return { status: 202, body: { listingId: result.listingId, dueBy: result.dueBy, position: result.position } };
    }),
  );

  router.post(
    '/listings/:id/removal',
    authorize('listing:write'),
    validateBody(schemas, 'api/RemoveListingRequest.json'),
    asRecorder(async (req, context) => {
      const result = await listings.removeListing(
        { listingId: listingIdOf(req), ...(req.body as RemovalTrigger) },
        context,
      );
      return {
        status: 200,
        body: {
          listingId: result.listingId,
          removedAt: result.removedAt,
          late: result.late,
          position: result.position,
        },
      };
    }),
  );

  const listPage =
    (list: ListName): RequestHandler =>
    (req, res) => {
      const after = typeof req.query.after === 'string' ? req.query.after : undefined;
      const restriction =
        typeof req.query.restriction === 'string' ? (req.query.restriction as Restriction) : undefined;
      const page = listingsView.page({
        list,
        at: clock(),
        limit: limitOf(req),
        ...(after ? { after } : {}),
        ...(restriction ? { restriction } : {}),
      });
      markSubjectsRead(res, subjectsNamedIn(page.items));
      res.json(page);
    };

  router.get(
    '/blacklist',
    authorize('listing:read'),
    recordReads(recorder, 'listings', subjectsMarkedRead),
    validateQuery(schemas, 'api/BlacklistQuery.json'),
    consistentRead,
    listPage('blacklist'),
  );
  router.get(
    '/redlist',
    authorize('listing:read'),
    recordReads(recorder, 'listings', subjectsMarkedRead),
    validateQuery(schemas, 'api/RedlistQuery.json'),
    consistentRead,
    listPage('redlist'),
  );

  // A subject's own listings, past ones too: a resident's `own` grant opens these. A listing of a company names its
  // responsible persons, so reading one is a read of each subject it names.
  router.get(
    '/subjects/:id/listings',
    authorize('listing:read', subjectIdParam),
    wellFormedSubjectId(schemas),
    recordReads(recorder, 'listings', subjectsMarkedRead),
    validateQuery(schemas, 'api/ReadQuery.json'),
    consistentRead,
    (req, res) => {
      const subjectId = req.params.id as string;
      const now = clock();
      const items = listingsView.forSubject(subjectId).map((record) => ({
        ...itemOf(record),
        list: record.list,
        boundAs: record.boundAs,
        active: record.removal === undefined && now < new Date(record.until),
        ...(record.removal ? { removedAt: record.removal.removedAt, removedReason: record.removal.reason } : {}),
      }));
      // Whose listings were asked for is read even when there are none: that they are not listed was disclosed.
      markSubjectsRead(res, [subjectId, ...subjectsNamedIn(items)]);
      res.json({ subjectId, items });
    },
  );

  router.get(
    '/listings/removals-overdue',
    authorize('listing:read'),
    recordReads(recorder, 'listings', subjectsMarkedRead),
    validateQuery(schemas, 'api/OverdueRemovalsQuery.json'),
    consistentRead,
    (req, res) => {
      const asOf = clock();
      const queue = listingsView.overdueRemovals(asOf, limitOf(req));
      markSubjectsRead(
        res,
        queue.items.map((item) => item.subjectId),
      );
      res.json({ ...queue, asOf: asOf.toISOString() });
    },
  );

  return router;
};
