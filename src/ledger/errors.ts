/**
 * Errors the ledger's rules raise. Each has a stable code that the API turns into a problem type
 * (`/problems/<code>`); the HTTP status follows from the class.
 */

/** A refusal with a stable code (its problem type) and details for the answer. */
abstract class CodedRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A rule of the domain is broken (422): the request was well-formed but the ledger refuses it. */
export class LedgerRuleViolation extends CodedRefusal {
  override readonly name = 'LedgerRuleViolation';
}

/** The subject is not in the ledger (404). */
export class SubjectNotFound extends Error {
  override readonly name = 'SubjectNotFound';
  readonly code = 'subject-not-found';
  constructor(readonly subjectId: string) {
    super(`no subject ${subjectId} is registered`);
  }
}

/** The command conflicts with the stream's current state, after the bounded retries (409). */
export class LedgerConflict extends CodedRefusal {
  override readonly name = 'LedgerConflict';
}

/** The actor may not do this, whatever the request says (403): e.g. a recorder outside their authority. */
export class LedgerForbidden extends CodedRefusal {
  override readonly name = 'LedgerForbidden';
}

/** The listing is not in the ledger (404). */
export class ListingNotFound extends Error {
  override readonly name = 'ListingNotFound';
  readonly code = 'listing-not-found';
  constructor(readonly listingId: string) {
    super(`no listing ${listingId}`);
  }
}
