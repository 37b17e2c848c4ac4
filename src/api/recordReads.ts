import type { Request, RequestHandler, Response } from 'express';
import type { AccessRecorder } from './accessRecorder';
import { purposeOf } from './accessPurpose';
import { grantedRolesOf } from './auth/authenticate';
import { principalOf } from './auth/principal';
import { Problem } from './problems';

/**
 * Records every read of a subject's data by anyone other than that subject (DESIGN §1 item 7). Put
 * `recordReads(recorder, what, subjectsOf)` on a read route after authentication and authorization. Once the
 * answer has gone out with a status below 400, it records one access per subject read, except the reader's
 * own record; a failed read revealed nothing and is not recorded.
 *
 * Which subjects were read:
 * - a route about the subject in its path passes `subjectOfPath`;
 * - a list route (a blacklist page, an access-log query) names the subjects in its answer with
 *   `markSubjectsRead(res, subjectIds)` before answering, and passes `subjectsMarkedRead`. A list route that
 *   answers without marking them is a bug, reported through the recorder's onFailure.
 */

/** Called once the answer has gone out, so that a list route has had the chance to mark its subjects. */
export type SubjectsRead = (req: Request, res: Response) => readonly string[];

/** How long a client refused because the access log is backed up should wait. */
export const accessLogRetryAfterSeconds = 5;

export const recordReads =
  (recorder: AccessRecorder, what: string, subjectsOf: SubjectsRead): RequestHandler =>
  (req, res, next) => {
    if (!recorder.hasRoom()) {
      res.set('Retry-After', String(accessLogRetryAfterSeconds));
      throw new Problem('access-log-unavailable', 'reads are refused while the access log cannot record them');
    }
    const viewer = principalOf(res);
    // 'close' rather than 'finish': it also comes when the client hangs up mid-answer, and an answer that has
    // started to leave the server counts as read.
    res.once('close', () => {
      if (!res.headersSent || res.statusCode >= 400) return;
      try {
        const purpose = purposeOf(grantedRolesOf(res) ?? viewer.roles);
        for (const subjectId of new Set(subjectsOf(req, res))) {
          if (subjectId !== viewer.subjectId) recorder.record({ subjectId, viewer, purpose, what });
        }
      } catch (error) {
        recorder.reportFailure(error);
      }
    });
    next();
  };

/** The subject named by the route's `:id`. */
export const subjectOfPath: SubjectsRead = (req) => [req.params.id as string];

export const markSubjectsRead = (res: Response, subjectIds: readonly string[]): void => {
  res.locals.subjectsRead = subjectIds;
};

export const subjectsMarkedRead: SubjectsRead = (req, res) => {
  const subjectIds = res.locals.subjectsRead as readonly string[] | undefined;
  if (!subjectIds) {
    throw new Error(`${req.method} ${req.originalUrl} answered without markSubjectsRead: its reads went unrecorded`);
  }
  return subjectIds;
};
