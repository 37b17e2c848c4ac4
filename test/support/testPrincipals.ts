import express, { type Express, type RequestHandler } from 'express';
import type { Principal } from '../../src/api/auth/principal';
import { Problem, problemHandler } from '../../src/api/problems';

/**
 * Test-only authentication for apps built around one part of the API: the principal travels as JSON in a
 * header, so that a test says who calls without minting tokens. Real authentication is src/api/auth.
 */

export const testPrincipalHeader = 'X-Test-Principal';

export const authenticateFromTestHeader: RequestHandler = (req, res, next) => {
  const header = req.get(testPrincipalHeader);
  if (header === undefined) throw new Problem('unauthenticated', `no ${testPrincipalHeader} header`);
  res.locals.principal = JSON.parse(header) as Principal;
  next();
};

/** Headers for supertest's `.set(...)`. */
export const as = (principal: Principal): Record<string, string> => ({
  [testPrincipalHeader]: JSON.stringify(principal),
});

export const residentOf = (subjectId: string): Principal => ({
  id: `resident-${subjectId}`,
  kind: 'person',
  roles: ['resident'],
  subjectId,
});
export const auditor: Principal = { id: 'auditor-chen', kind: 'person', roles: ['auditor'] };
export const approver: Principal = { id: 'approver-liu', kind: 'person', roles: ['approver'] };
export const recorder: Principal = {
  id: 'officer-zhang',
  kind: 'person',
  roles: ['recorder'],
  authority: 'traffic-police',
};
export const consumer: Principal = {
  id: 'api-key:0123456789abcdef',
  kind: 'machine',
  roles: ['consumer'],
  purposes: { measures: ['highSpeedRail'], perks: [] },
};

/** An app built as the real one is around its routes: simple query strings, JSON bodies, problem details. */
export const testApp = (mount: (app: Express) => void, { bodyLimit = '16kb' } = {}): Express => {
  const app = express();
  app.set('query parser', 'simple');
  app.use(express.json({ limit: bodyLimit }));
  mount(app);
  app.use(
    problemHandler((error) => {
      throw error;
    }),
  );
  return app;
};
