import type { RequestHandler } from 'express';
import type { ProjectionRunner } from '../projections/runner';
import { Problem } from './problems';

/**
 * Read-your-writes: a write answers with its store position; a read that passes `?minPosition=` waits
 * (at most readWaitMsMax) until the projections have applied it, and otherwise answers 503 with
 * Retry-After rather than a stale view.
 */
export const readWaitMsMax = 2_000;

export const awaitMinPosition =
  (runner: ProjectionRunner): RequestHandler =>
  async (req, res, next) => {
    const minPosition = req.query.minPosition;
    if (typeof minPosition !== 'string') return next();
    if (await runner.waitFor(minPosition, readWaitMsMax)) return next();
    res.set('Retry-After', '1');
    throw new Problem('projection-behind', `the read model is at ${runner.position()}, not yet at ${minPosition}`, {
      position: runner.position(),
    });
  };
