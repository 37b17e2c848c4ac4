import type { ErrorRequestHandler, Request, Response } from 'express';
import {
  LedgerConflict,
  LedgerForbidden,
  LedgerRuleViolation,
  ListingNotFound,
  SubjectNotFound,
} from '../ledger/errors';
import { CalendarNotCovering } from '../ledger/workingDays';

/**
 * Errors over HTTP are RFC 9457 problem details with a stable `type` per error: `/problems/<code>`.
 * The catalogue below is the list of every type the API answers with; GET /problems/<code> describes one.
 */

export interface ProblemType {
  status: number;
  title: string;
}

export const problemTypes = {
  'validation-failed': { status: 400, title: 'The request does not match its schema' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'unreadable-body': { status: 400, title: 'The request body could not be read' },
  'body-too-deep': { status: 400, title: 'The request body is nested deeper than allowed' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Your role does not allow this' },
  'outside-purpose': { status: 403, title: 'The API key is not bound to this question' },
  'unknown-perk': { status: 422, title: 'The scheme grants no such perk' },
  'outside-authority': { status: 403, title: 'Your authority may not record this' },
  'not-found': { status: 404, title: 'No such resource' },
  'subject-not-found': { status: 404, title: 'No such subject' },
  'listing-not-found': { status: 404, title: 'No such listing' },
  'subject-already-registered': { status: 409, title: 'The subject is already registered' },
  'listing-already-exists': { status: 409, title: 'The listing already exists' },
  'concurrent-writes': { status: 409, title: 'The subject changed while the command ran; try again' },
  'idempotency-key-in-flight': { status: 409, title: 'A request with this idempotency key is still being processed' },
  'body-too-large': { status: 413, title: 'The request body is over the size limit' },
  'unsupported-media-type': { status: 415, title: 'The request body must be application/json' },
  'idempotency-key-reused': { status: 422, title: 'The idempotency key was used for a different request' },
  'unknown-rule': { status: 422, title: 'The scheme has no such rule' },
  'evidence-kind-not-allowed': { status: 422, title: 'The rule does not accept this kind of evidence' },
  'points-not-allowed': { status: 422, title: 'The rule fixes its own points' },
  'points-required': { status: 422, title: 'The rule has a range: points are required' },
  'points-out-of-range': { status: 422, title: "The points are outside the rule's range" },
  'narrative-required': { status: 422, title: 'Points chosen from a range need a narrative justifying them' },
  'period-cap-exceeded': { status: 422, title: "The entry would exceed the rule's cap for the period" },
  'conduct-in-future': { status: 422, title: 'The conduct is dated in the future' },
  'conduct-before-adulthood': { status: 422, title: 'The conduct is dated before the subject came of age' },
  'no-scheme-in-force': { status: 422, title: 'No scheme version was in force when the conduct occurred' },
  'subject-under-age': { status: 422, title: 'The person is under the minimum age' },
  'birth-date-required': { status: 422, title: 'A person is registered with their birth date' },
  'listed-in-future': { status: 422, title: 'A listing cannot start in the future' },
  'listing-period-already-ended': { status: 422, title: "The listing's period would already have ended" },
  'listing-ground-not-allowed': { status: 422, title: "The ground is not one of the list's closed grounds" },
  'legal-act-kind-not-allowed': { status: 422, title: 'The list does not rest on a legal act of this kind' },
  'restrictions-required': { status: 422, title: 'A blacklist listing names at least one restriction' },
  'restriction-not-allowed': { status: 422, title: 'A red-list entry restricts nothing' },
  'responsible-persons-required': {
    status: 422,
    title: "A blacklisted organisation's responsible persons must be named",
  },
  'responsible-persons-not-allowed': { status: 422, title: 'Only a blacklisted organisation has responsible persons' },
  'responsible-person-not-a-person': { status: 422, title: 'A responsible person must be a registered person' },
  'listing-not-extendable': { status: 422, title: 'Only a blacklist listing is extended' },
  'listing-not-active': { status: 422, title: 'The listing is not active' },
  'listing-removal-pending': { status: 422, title: 'The listing is due for removal' },
  'extension-out-of-range': { status: 422, title: "The extension is outside the scheme's range of months" },
  'legal-act-not-new': { status: 422, title: 'The legal act was already used on this listing' },
  'listing-already-removed': { status: 422, title: 'The listing was already removed' },
  'removal-already-requested': { status: 422, title: "The listing's removal was already requested" },
  'removal-reason-not-allowed': { status: 422, title: 'The list is not left early for this reason' },
  'trigger-in-future': { status: 422, title: 'The removal is triggered in the future' },
  'trigger-before-listing': { status: 422, title: 'The removal is triggered before the listing began' },
  'listing-period-not-ended': { status: 422, title: "The listing's period has not ended" },
  'rate-limited': { status: 429, title: 'Too many requests; retry after the time given' },
  'access-log-unavailable': { status: 503, title: 'Reads are paused until the access log can record them' },
  'projection-behind': { status: 503, title: 'The read model has not caught up to the requested position yet' },
  'calendar-not-covering': {
    status: 503,
    title: 'The working-day calendar does not cover the deadline; the operator must add the year',
  },
  'entry-not-found': { status: 404, title: 'No such entry' },
  'entry-not-pending': { status: 409, title: 'The entry is not waiting for approval' },
  'entry-not-in-effect': { status: 409, title: 'The entry is not in effect' },
  'entry-not-reversed': { status: 409, title: 'Only a reversed entry can be reinstated' },
  'entry-amended': { status: 409, title: 'An amended entry cannot be reinstated: its replacement stands for it' },
  'reinstatement-pending': {
    status: 409,
    title: "The entry's reinstatement already awaits a second person's approval",
  },
  'entry-not-due': { status: 409, title: "The entry's effect period has not ended" },
  'entry-not-upheld': { status: 422, title: 'A statement of dispute goes beside an entry whose objection was upheld' },
  'entry-not-repairable': { status: 422, title: 'Credit repair applies to a deduction or grade cap in effect' },
  'separation-of-duties': { status: 403, title: 'The same person may not hold both of these parts' },
  'reasons-required': { status: 422, title: 'A decision gives its reasons' },
  'evidence-not-new': { status: 422, title: 'Reinstatement needs evidence the entry did not carry before' },
  'evidence-already-used': {
    status: 409,
    title: 'A document of the evidence already stands behind another entry of the subject',
  },
  'statement-too-long': { status: 422, title: "The statement is over the scheme's word limit" },
  'statement-already-added': { status: 409, title: 'The entry already carries a statement of dispute' },
  'repair-too-early': { status: 422, title: 'The minimum period before credit repair has not passed' },
  'repair-already-requested': { status: 409, title: 'A request to repair this entry is still open' },
  'no-repair-requested': { status: 409, title: 'No request to repair this entry is open' },
  'objection-not-found': { status: 404, title: 'No such objection' },
  'not-the-subject': { status: 403, title: 'Only the subject of the entry may do this' },
  'not-a-party': { status: 403, title: "Evidence comes from the entry's recorder or from the subject" },
  'senior-officer-required': { status: 403, title: 'A reconsideration is decided by a senior appeal officer' },
  'objection-already-open': { status: 422, title: 'The entry already has an open objection' },
  'objection-limit-reached': { status: 422, title: 'The entry has had as many objections as one entry may' },
  'objection-not-awaiting-decision': { status: 422, title: 'The objection awaits no decision' },
  'decision-deadline-passed': { status: 422, title: 'The deadline has passed; the entry is reversed instead' },
  'evidence-request-closed': { status: 422, title: "The recorder's evidence was due earlier" },
  'extension-already-granted': { status: 422, title: 'The decision deadline was extended once already' },
  'extension-needs-subject-evidence': {
    status: 422,
    title: 'The decision deadline is extended only after the subject adds evidence',
  },
  'amendment-required': { status: 422, title: 'An amending decision names new points or a new rule' },
  'amendment-not-allowed': { status: 422, title: 'Only an amending decision names points or a rule' },
  'amendment-worsens': { status: 422, title: 'An amendment may lighten the entry, not make it heavier' },
  'reconsideration-not-available': { status: 422, title: 'There is no decision against the subject to reconsider' },
  'reconsideration-already-requested': { status: 422, title: 'Reconsideration was requested already' },
  'reconsideration-window-closed': { status: 422, title: 'The time to ask for reconsideration has passed' },
  'no-reconsideration-pending': { status: 422, title: 'No reconsideration awaits a decision' },
  'deadline-not-passed': { status: 422, title: 'The decision is not yet overdue' },
  'proof-not-available': { status: 422, title: 'No such proof: the sizes or position are outside the log' },
  'internal-error': { status: 500, title: 'The ledger failed to answer' },
} as const satisfies Record<string, ProblemType>;

export type ProblemCode = keyof typeof problemTypes;

const isProblemCode = (code: string): code is ProblemCode => Object.hasOwn(problemTypes, code);

export const problemTypeUri = (code: string): string => `/problems/${code}`;

/** An error that is already a problem: thrown by our middleware, answered as is. */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** A subject that is not registered, or not one the caller may see: the two answer alike. */
export const subjectNotFound = (subjectId: string | undefined): Problem =>
  new Problem('subject-not-found', `no subject ${subjectId} is registered`, { subjectId });

/**
 * The problem as RFC 9457 has it: its own members first and always its own, so that an extension never overrides
 * them (a refusal's details naming `status` once answered a 409 whose body said `"status": "posted"`).
 */
export const sendProblem = (req: Request, res: Response, problem: Problem): void => {
  const { status, title } = problemTypes[problem.code];
  const members = {
    type: problemTypeUri(problem.code),
    title,
    status,
    detail: problem.detail,
    instance: req.originalUrl,
  };
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ ...members, ...problem.extensions, ...members }));
};

/**
 * Express's body parser marks its errors with a `type`; these are the client's fault. Reading the body fails with a
 * 400 of its own (no `type` of ours) when it is not what its headers say: a corrupt gzip stream, fewer bytes than
 * Content-Length, a client that hung up.
 */
const bodyParserProblem = (error: { type?: string; message?: string; status?: number }): Problem | undefined => {
  switch (error.type) {
    case 'entity.too.large':
      return new Problem('body-too-large', 'the request body is over the limit');
    case 'entity.parse.failed':
      return new Problem('malformed-json', 'the request body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new Problem('unsupported-media-type', error.message ?? 'unsupported body encoding');
    default:
      return error.status === 400 ? new Problem('unreadable-body', `the request body could not be read`) : undefined;
  }
};

export const toProblem = (error: unknown): Problem | undefined => {
  if (error instanceof Problem) return error;
  if (error instanceof SubjectNotFound) {
    return new Problem('subject-not-found', error.message, { subjectId: error.subjectId });
  }
  if (error instanceof ListingNotFound) {
    return new Problem('listing-not-found', error.message, { listingId: error.listingId });
  }
  if (error instanceof CalendarNotCovering) {
    return new Problem('calendar-not-covering', error.message, { date: error.date });
  }
  if (error instanceof LedgerRuleViolation || error instanceof LedgerConflict || error instanceof LedgerForbidden) {
    if (!isProblemCode(error.code)) return undefined;
    return new Problem(error.code, error.message, error.details);
  }
  // The router could not percent-decode a path parameter: the path is at fault, not the body.
  if (error instanceof URIError && (error as { status?: number }).status === 400) {
    return new Problem('validation-failed', `path: is not valid percent-encoded UTF-8 (${error.message})`, {
      errors: [{ in: 'path', field: '', message: 'is not valid percent-encoded UTF-8' }],
    });
  }
  if (typeof error === 'object' && error !== null)
    return bodyParserProblem(error as { type?: string; status?: number });
  return undefined;
};

export const problemHandler =
  (onUnexpected: (error: unknown, req: Request) => void): ErrorRequestHandler =>
  (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const problem = toProblem(error);
    if (problem) return sendProblem(req, res, problem);
    onUnexpected(error, req);
    return sendProblem(req, res, new Problem('internal-error', 'an unexpected error occurred; it has been logged'));
  };
