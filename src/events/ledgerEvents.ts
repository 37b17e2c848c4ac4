import type { Grade, RuleDirection, Scheme, Severity, EvidenceKind } from '../ledger/scheme';
import type { NewEvent, RecordedEvent } from './eventStore';

/**
 * The ledger's events. Each type has a JSON Schema at schemas/events/<type>.json, and an event that breaks
 * its schema is never stored (see validateEvent). Events carry opaque subject ids only: names, birth dates
 * and other personal data live in the erasable subject directory.
 */

export interface EvidenceRef {
  kind: EvidenceKind;
  issuer: string;
  documentNumber: string;
  /** Lower-case hex SHA-256 of the document. */
  sha256: string;
  uri?: string;
}

export interface SubjectRegistered {
  subjectId: string;
  kind: 'person' | 'organization';
  /** Persons: the day they reach the scheme's minimum age; conduct before it cannot be recorded. */
  adultFrom?: string;
  /** The points the subject starts from: the baseline of the scheme in force at registration. */
  baseline: number;
  registeredBy: string;
}

export interface EntryPosted {
  entryId: string;
  subjectId: string;
  ruleCode: string;
  direction: RuleDirection;
  /** Signed: negative for deductions, positive for additions, 0 for a grade cap. */
  points: number;
  gradeCap?: Grade;
  severity: Severity;
  /** When the conduct happened (valid time). */
  occurredAt: string;
  /** The entry stops counting at this instant (occurredAt plus the scheme's effect period). */
  effectiveUntil: string;
  evidence: EvidenceRef[];
  narrative?: string;
  /** The scheme version in force when the conduct occurred, under which the entry was judged. */
  schemeVersion: string;
  recordedBy: string;
  /** The authority the recorder acted for (a court, the traffic police, a utility...). */
  authority: string;
}

export interface SchemeVersionPublished {
  scheme: Scheme;
  /** SHA-256 of the scheme's canonical JSON, so that a version can never silently change. */
  contentSha256: string;
}

export type LedgerEventMap = {
  SubjectRegistered: SubjectRegistered;
  EntryPosted: EntryPosted;
  SchemeVersionPublished: SchemeVersionPublished;
};

export type LedgerEventType = keyof LedgerEventMap;
export const ledgerEventTypes = [
  'SubjectRegistered',
  'EntryPosted',
  'SchemeVersionPublished',
] as const satisfies readonly LedgerEventType[];

/** A domain event before it gets an id and metadata: what deciders return. */
export type LedgerEvent = { [T in LedgerEventType]: { type: T; data: LedgerEventMap[T] } }[LedgerEventType];

export type RecordedLedgerEvent = { [T in LedgerEventType]: RecordedEvent<T, LedgerEventMap[T]> }[LedgerEventType];
export type NewLedgerEvent = { [T in LedgerEventType]: NewEvent<T, LedgerEventMap[T]> }[LedgerEventType];

export const isLedgerEvent = (event: RecordedEvent): event is RecordedLedgerEvent =>
  (ledgerEventTypes as readonly string[]).includes(event.type);

export const subjectStream = (subjectId: string): string => `subject-${subjectId}`;
export const schemeStream = (schemeId: string): string => `scheme-${schemeId}`;
export const subjectStreamPrefix = 'subject-';
