import { Router, type Request } from 'express';
import type { EventStore } from '../../events/eventStore';
import { subjectStream, type EvidenceRef } from '../../events/ledgerEvents';
import { subjectAsOf, type ReplayView } from '../../ledger/replay';
import { historyAsOf } from '../../projections/historyAsOf';
import type { Ledger } from '../../ledger/ledger';
import { scoreAt } from '../../ledger/score';
import type { SchemeBook } from '../../ledger/schemeBook';
import type { SubjectDirectory } from '../../ledger/subjectDirectory';
import type { DisputesView } from '../../projections/disputesView';
import { historyOf, type HistoryItem } from '../../projections/history';
import type { ProjectionRunner } from '../../projections/runner';
import type { ScoreReadModel } from '../../projections/scoreProjection';
import type { SchemaRegistry } from '../../schemaRegistry';
import type { IdempotentRoute } from '../idempotency';
import type { AccessRecorder } from '../accessRecorder';
import { authorize, subjectIdParam } from '../auth/authenticate';
import { recordReads, subjectOfPath } from '../recordReads';
import { Problem, subjectNotFound } from '../problems';
import { awaitMinPosition } from '../readConsistency';
import { validateBody, validateQuery } from '../validation';

export interface SubjectRoutesOptions {
  ledger: Ledger;
  /** For replays as of an instant, folded from the subject's stream. */
  store: EventStore;
  scores: ScoreReadModel;
  directory: SubjectDirectory;
  runner: ProjectionRunner;
  schemes: SchemeBook;
  schemas: SchemaRegistry;
  clock: () => Date;
  idempotent: IdempotentRoute;
  recorder: AccessRecorder;
  disputes: DisputesView;
}

export const historyPageSizeDefault = 50;

/** The items after `after` (a position), at most `limit`, and where the next page starts (null on the last). */
const pageOf = (items: readonly HistoryItem[], after: string | undefined, limit: number) => {
  const rest = items.filter((item) => after === undefined || item.position > after);
  const page = rest.slice(0, limit);
  return { items: page, next: rest.length > limit ? (page.at(-1)?.position ?? null) : null };
};

/** The items about a disputed entry, marked so: every read shows an entry under objection as disputed. */
const markDisputed = <Item extends { entryId?: string }>(
  items: readonly Item[],
  entryIds: readonly string[],
): Item[] => {
  const disputed = new Set(entryIds);
  return items.map((item) =>
    item.entryId !== undefined && disputed.has(item.entryId) ? { ...item, disputed: true } : item,
  );
};

/** `?asOf=&view=`: a replay from the store instead of the live projection; `view` defaults to corrected. */
const replayOf = (req: Request): { at: Date; view: ReplayView } | undefined => {
  const { asOf, view } = req.query as { asOf?: string; view?: ReplayView };
  return asOf === undefined ? undefined : { at: new Date(asOf), view: view ?? 'corrected' };
};

const notRegisteredBy = (subjectId: string, at: Date): Problem =>
  new Problem('subject-not-found', `subject ${subjectId} was not registered by ${at.toISOString()}`, { subjectId });

interface RegisterBody {
  kind: 'person' | 'organization';
  id?: string;
  birthDate?: string;
  displayName?: string;
}

interface EntryBody {
  ruleCode: string;
  occurredAt: string;
  points?: number;
  evidence: EvidenceRef[];
  narrative?: string;
}

export const subjectRoutes = (options: SubjectRoutesOptions): Router => {
  const { ledger, store, scores, directory, runner, schemes, schemas, clock, idempotent, recorder, disputes } = options;
  const router = Router();
  const consistentRead = awaitMinPosition(runner);

  const registeredSubject = (subjectId: string) => {
    const subject = scores.subject(subjectId);
    if (!subject) throw subjectNotFound(subjectId);
    return subject;
  };

  router.post(
    '/subjects',
    authorize('subject:register'),
    validateBody(schemas, 'api/RegisterSubjectRequest.json'),
    idempotent(async (req, context) => {
      const body = req.body as RegisterBody;
      const result = await ledger.registerSubject(
        {
          ...(body.id ? { subjectId: body.id } : {}),
          kind: body.kind,
          ...(body.birthDate ? { birthDate: body.birthDate } : {}),
        },
        context,
      );
      directory.save({ subjectId: result.subjectId, displayName: body.displayName, birthDate: body.birthDate });
      return {
        status: 201,
        location: `/v1/subjects/${result.subjectId}`,
        body: {
          id: result.subjectId,
          kind: body.kind,
          ...(body.displayName ? { displayName: body.displayName } : {}),
          ...(body.birthDate ? { birthDate: body.birthDate } : {}),
          position: result.position,
        },
      };
    }),
  );

  router.get(
    '/subjects/:id',
    authorize('subject:read', subjectIdParam),
    recordReads(recorder, 'subject', subjectOfPath),
    validateQuery(schemas, 'api/ReadQuery.json'),
    consistentRead,
    (req, res) => {
      const subject = registeredSubject(req.params.id as string);
      const personal = directory.find(subject.subjectId);
      res.json({
        id: subject.subjectId,
        kind: subject.kind,
        ...(personal?.displayName ? { displayName: personal.displayName } : {}),
        ...(personal?.birthDate ? { birthDate: personal.birthDate } : {}),
        ...(subject.adultFrom ? { adultFrom: subject.adultFrom } : {}),
        registeredAt: subject.registeredAt,
      });
    },
  );

  router.post(
    '/subjects/:id/entries',
    authorize('entry:record'),
    validateBody(schemas, 'api/RecordEntryRequest.json'),
    idempotent(async (req, { principal, ...context }) => {
      const body = req.body as EntryBody;
      const authority = principal.authority;
      if (authority === undefined)
        throw new Problem('forbidden', 'a recorder acts for an authority; this token names none');
      const result = await ledger.recordEntry(
        { subjectId: req.params.id as string, ...body },
        { ...context, authority },
      );
      // Pending a second person's approval (four eyes): accepted, not yet in effect.
      return {
        status: result.status === 'pending' ? 202 : 201,
        body: { entryId: result.entryId, status: result.status, position: result.position },
      };
    }),
  );

  router.get(
    '/subjects/:id/score',
    authorize('score:read', subjectIdParam),
    recordReads(recorder, 'score', subjectOfPath),
    validateQuery(schemas, 'api/ScoreQuery.json'),
    consistentRead,
    async (req, res) => {
      const subject = registeredSubject(req.params.id as string);
      const replay = replayOf(req);
      if (replay) {
        const replayed = subjectAsOf(await store.readStream(subjectStream(subject.subjectId)), replay.view, replay.at);
        if (!replayed) throw notRegisteredBy(subject.subjectId, replay.at);
        const entries = markDisputed(replayed.entries, disputes.openEntryIds(subject.subjectId, replay.at));
        const score = scoreAt(schemes.forReading(replay.at), replayed.baseline, entries, replay.at);
        res.json({ subjectId: subject.subjectId, ...score, asOf: replay.at.toISOString(), view: replay.view });
        return;
      }
      const asOf = clock();
      const entries = markDisputed(scores.entries(subject.subjectId), disputes.openEntryIds(subject.subjectId));
      const score = scoreAt(schemes.forReading(asOf), subject.baseline, entries, asOf);
      res.json({ subjectId: subject.subjectId, ...score, asOf: asOf.toISOString() });
    },
  );

  router.get(
    '/subjects/:id/history',
    authorize('history:read', subjectIdParam),
    recordReads(recorder, 'history', subjectOfPath),
    validateQuery(schemas, 'api/HistoryQuery.json'),
    consistentRead,
    async (req, res) => {
      const subject = registeredSubject(req.params.id as string);
      const limit = typeof req.query.limit === 'string' ? Number(req.query.limit) : historyPageSizeDefault;
      const after = typeof req.query.after === 'string' ? req.query.after : undefined;
      const replay = replayOf(req);
      const events = await store.readStream(subjectStream(subject.subjectId));
      if (replay) {
        const replayed = historyAsOf(events, subject.subjectId, replay.view, replay.at);
        if (replayed.length === 0) throw notRegisteredBy(subject.subjectId, replay.at);
        const page = pageOf(replayed, after, limit);
        const items = markDisputed(page.items, disputes.openEntryIds(subject.subjectId, replay.at));
        res.json({
          subjectId: subject.subjectId,
          items,
          next: page.next,
          asOf: replay.at.toISOString(),
          view: replay.view,
        });
        return;
      }
      const page = pageOf(historyOf(events, subject.subjectId), after, limit);
      const items = markDisputed(page.items, disputes.openEntryIds(subject.subjectId));
      res.json({ subjectId: subject.subjectId, items, next: page.next });
    },
  );

  return router;
};
