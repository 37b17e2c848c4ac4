import express, { type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { KeyObject } from 'node:crypto';
import type { EventStore } from '../events/eventStore';
import type { SignedCheckpoint } from '../events/integrity/checkpoint';
import type { CheckpointRecords } from '../events/integrity/checkpointRecords';
import { auditRoutes, checkpointKeyPath, checkpointKeyPem, publicIntegrityRoutes } from './routes/integrity';
import type { Ledger } from '../ledger/ledger';
import type { SchemeBook } from '../ledger/schemeBook';
import type { SubjectDirectory } from '../ledger/subjectDirectory';
import type { ProjectionRunner } from '../projections/runner';
import type { ScoreReadModel } from '../projections/scoreProjection';
import type { SchemaRegistry } from '../schemaRegistry';
import type { AccessLogReadModel } from '../projections/accessLogProjection';
import type { AccessRecorder } from './accessRecorder';
import { authorize } from './auth/authenticate';
import { limitBodyDepth, rateLimitFailedAuthentication, rateLimitPerAddress, rateLimitPerPrincipal } from './hardening';
import { createIdempotentRoute } from './idempotency';
import type { Registry } from 'prom-client';
import type { CalendarCoverage } from '../ledger/calendarCoverage';
import type { Listings } from '../ledger/listings';
import type { ListingsReadModel } from '../projections/listingsProjection';
import { accessLogRoutes } from './routes/accessLog';
import { eligibilityRoutes } from './routes/eligibility';
import { entryRoutes } from './routes/entries';
import type { ApprovalsReadModel } from '../projections/approvalsProjection';
import type { DisputesView } from '../projections/disputesView';
import { listingRoutes } from './routes/listings';
import { objectionRoutes } from './routes/objections';
import type { Objections } from '../ledger/objections';
import type { ObjectionsReadModel } from '../projections/objectionsProjection';
import type { IdempotencyRecords } from './idempotencyRecords';
import { buildOpenApiDocument } from './openapi';
import { Problem, problemHandler, problemTypes, problemTypeUri } from './problems';
import { schemeRoutes } from './routes/scheme';
import { subjectRoutes } from './routes/subjects';
import type { TrustProxy } from '../config';

/**
 * The express app, built from its dependencies and never listening itself: tests build it in process,
 * the `serve` command opens the port. The request's path through it, in order: security headers,
 * JSON body (size- and depth-limited), the public scheme, the limit on failed authentications,
 * authentication, the limit per caller, the /v1 routes (each authorizing, recording reads of others'
 * records, then validating its input), then problem details for errors.
 */

export const bodySizeLimit = '16kb';

export interface RateLimits {
  perPrincipalPerMinute: number;
  failedAuthenticationsPerMinute: number;
  /** The public proofs, per client address: each may read and hash up to millions of events. */
  proofsPerMinute: number;
}

export interface AppDependencies {
  store: EventStore;
  /** Establishes the principal of every /v1 request but the public scheme. */
  authenticate: RequestHandler;
  ledger: Ledger;
  scores: ScoreReadModel;
  directory: SubjectDirectory;
  runner: ProjectionRunner;
  schemes: SchemeBook;
  schemas: SchemaRegistry;
  idempotencyRecords: IdempotencyRecords;
  accessLog: AccessLogReadModel;
  recorder: AccessRecorder;
  rateLimits: RateLimits;
  /** The proxies whose X-Forwarded-For names the client of the limits per address (LEDGER_TRUST_PROXY). */
  trustProxy?: TrustProxy;
  listings: Listings;
  listingsView: ListingsReadModel;
  objections: Objections;
  objectionsView: ObjectionsReadModel;
  approvals: ApprovalsReadModel;
  disputes: DisputesView;
  metrics: Registry;
  checkpoints: CheckpointRecords;
  issueCheckpoint: () => Promise<SignedCheckpoint>;
  checkpointPublicKey: KeyObject;
  /** How long the working-day calendar still answers, for /healthz. */
  calendarCoverage: () => CalendarCoverage;
  clock: () => Date;
  version: string;
  onUnexpectedError: (error: unknown, req: Request) => void;
}

export const createApp = (deps: AppDependencies): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.use(helmet());
  app.use(express.json({ limit: bodySizeLimit, strict: true, type: 'application/json' }));
  app.use(limitBodyDepth());

  const idempotent = createIdempotentRoute(deps.idempotencyRecords, deps.clock);
  const checkpointKey = checkpointKeyPem(deps.checkpointPublicKey);
  app.get(checkpointKeyPath, (_req, res) => {
    res.type('application/x-pem-file').send(checkpointKey);
  });
  app.use(
    '/v1',
    publicIntegrityRoutes({
      ...deps,
      limitProofs: rateLimitPerAddress({ limitPerMinute: deps.rateLimits.proofsPerMinute }),
    }),
  );
  const v1 = express.Router();
  v1.use(schemeRoutes(deps.schemes, deps.clock));
  v1.use(rateLimitFailedAuthentication({ limitPerMinute: deps.rateLimits.failedAuthenticationsPerMinute }));
  v1.use(deps.authenticate);
  v1.use(rateLimitPerPrincipal({ limitPerMinute: deps.rateLimits.perPrincipalPerMinute }));
  v1.use(subjectRoutes({ ...deps, idempotent }));
  v1.use(accessLogRoutes({ ...deps, authorize }));
  v1.use(entryRoutes({ ...deps, idempotent }));
  v1.use(listingRoutes({ ...deps, authorize, idempotent }));
  v1.use(objectionRoutes({ ...deps, authorize, idempotent }));
  v1.use(eligibilityRoutes(deps));
  v1.use(auditRoutes(deps));
  v1.get('/metrics', authorize('metrics:read'), async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  app.use('/v1', v1);

  const openApiDocument = buildOpenApiDocument(deps.schemas, deps.version);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.get('/problems/:code', (req, res) => {
    const code = req.params.code as keyof typeof problemTypes;
    if (!Object.hasOwn(problemTypes, code)) throw new Problem('not-found', `no problem type ${code}`);
    res.json({ type: problemTypeUri(code), ...problemTypes[code] });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', projectedPosition: deps.runner.position(), calendar: deps.calendarCoverage() });
  });

  app.use((req) => {
    throw new Problem('not-found', `no route ${req.method} ${req.path}`);
  });
  app.use(problemHandler(deps.onUnexpectedError));
  return app;
};
