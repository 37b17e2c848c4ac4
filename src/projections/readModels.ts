import type { Database } from 'better-sqlite3';
import { createAccessLogProjection } from './accessLogProjection';
import { createApprovalsProjection } from './approvalsProjection';
import { createListingsProjection, type ListingsProjectionOptions } from './listingsProjection';
import { createObjectionsProjection } from './objectionsProjection';
import type { Projection } from './projection';
import { createScoreProjection } from './scoreProjection';

/** Every read model the service keeps in its database, and the list of them the projection runner feeds. */
export const createReadModels = (db: Database, listingsOptions: ListingsProjectionOptions) => {
  const scores = createScoreProjection(db);
  const accessLog = createAccessLogProjection(db);
  const listingsView = createListingsProjection(db, listingsOptions);
  const approvals = createApprovalsProjection(db);
  const objectionsView = createObjectionsProjection(db);
  const projections: readonly Projection[] = [scores, accessLog, listingsView, approvals, objectionsView];
  return { scores, accessLog, listingsView, approvals, objectionsView, projections };
};
