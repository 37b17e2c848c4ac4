import { Router, type RequestHandler } from 'express';
import { measureEligibility, perkEligibility } from '../../ledger/eligibility';
import type { Restriction } from '../../ledger/listingCodes';
import { gradeAt } from '../../ledger/score';
import type { SchemeBook } from '../../ledger/schemeBook';
import type { DisputesView } from '../../projections/disputesView';
import type { ListingsReadModel } from '../../projections/listingsProjection';
import type { ScoreReadModel } from '../../projections/scoreProjection';
import type { SchemaRegistry } from '../../schemaRegistry';
import type { AccessRecorder } from '../accessRecorder';
import { authorize } from '../auth/authenticate';
import { principalOf } from '../auth/principal';
import { Problem } from '../problems';
import { recordReads, subjectOfPath } from '../recordReads';
import { validateQuery } from '../validation';

/**
 * GET /v1/eligibility/{subjectId}?measure=NO_G_TRAIN | ?perk=HEATING_DISCOUNT: a consumer's one question,
 * within the purposes its key is bound to, answered `{ eligible, reason }` and nothing more. Each answer
 * is a read of the subject's record and is recorded in the access log.
 */

export interface EligibilityRoutesOptions {
  scores: ScoreReadModel;
  disputes: DisputesView;
  listingsView: ListingsReadModel;
  schemes: SchemeBook;
  schemas: SchemaRegistry;
  clock: () => Date;
  recorder: AccessRecorder;
}

const withinPurpose: RequestHandler = (req, res, next) => {
  const { purposes } = principalOf(res);
  const { measure, perk } = req.query as { measure?: string; perk?: string };
  const allowed =
    measure !== undefined ? purposes?.measures.includes(measure) : purposes?.perks.includes(perk as string);
  if (!allowed) throw new Problem('outside-purpose', `this key may not ask about ${measure ?? perk}`);
  next();
};

export const eligibilityRoutes = ({
  scores,
  disputes,
  listingsView,
  schemes,
  schemas,
  clock,
  recorder,
}: EligibilityRoutesOptions): Router =>
  Router().get(
    '/eligibility/:id',
    authorize('eligibility:ask'),
    validateQuery(schemas, 'api/EligibilityQuery.json'),
    withinPurpose,
    recordReads(recorder, 'eligibility', subjectOfPath),
    (req, res) => {
      const subject = scores.subject(req.params.id as string);
      if (!subject) throw new Problem('subject-not-found', `no subject ${req.params.id} is registered`);
      const now = clock();
      const { measure, perk } = req.query as { measure?: Restriction; perk?: string };
      if (measure !== undefined) {
        res.json(measureEligibility(measure, listingsView.activeFor(subject.subjectId, now)));
        return;
      }
      const scheme = schemes.forReading(now);
      const perkRule = scheme.perks.find((candidate) => candidate.code === perk);
      if (!perkRule) throw new Problem('unknown-perk', `scheme ${scheme.version} grants no perk ${perk}`);
      const entries = scores.entries(subject.subjectId);
      const disputed = new Set(disputes.openEntryIds(subject.subjectId));
      const grade = gradeAt(scheme, subject.baseline, entries, now);
      const undisputed = entries.filter((entry) => !disputed.has(entry.entryId));
      const gradeWithoutDisputed = gradeAt(scheme, subject.baseline, undisputed, now);
      res.json(perkEligibility(perkRule, grade, gradeWithoutDisputed));
    },
  );
