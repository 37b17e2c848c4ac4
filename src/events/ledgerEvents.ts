import type { Grade, RuleDirection, Scheme, Severity, EvidenceKind } from '../ledger/scheme';
import type { ListName, RemovalReason, RemovedReason, Restriction } from '../ledger/listingCodes';
import type { FoldedEvent, NewEvent, RecordedEvent } from './eventStore';
import { objectionEventTypes, type ObjectionEventMap } from './objectionEvents';

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
  /** The second person who approved it, when it needed four eyes. */
  approvedBy?: string;
  /** The entry this one replaces, when an objection amended it. */
  amends?: string;
}

/** An entry that needs a second person's approval before it takes effect (four eyes): the same fields. */
export type EntryProposed = Omit<EntryPosted, 'approvedBy'>;

/** A second person approved what awaited approval on the entry: its recording or its reinstatement (see below). */
export interface EntryApproved {
  subjectId: string;
  entryId: string;
  approvedBy: string;
  reason?: string;
}

/**
 * A second person rejected what awaited approval on the entry, with a reason: a proposed entry never takes effect; a
 * proposed reinstatement does not happen, and the entry stays reversed.
 */
export interface EntryRejected {
  subjectId: string;
  entryId: string;
  rejectedBy: string;
  reason: string;
}

/** What the subject is told of: every change to their record that takes effect. */
export type NoticeKind =
  'entryPosted' | 'entryReversed' | 'entryUpheld' | 'entryReinstated' | 'repairGranted' | 'repairRefused';

export interface SubjectNotified {
  subjectId: string;
  entryId: string;
  notice: NoticeKind;
}

export type ReversalReason = 'objectionReversed' | 'unverifiable' | 'deadlineMissed' | 'reconsidered' | 'amended';

/** A compensating event: the entry stops counting, as if it had never been posted; nothing is deleted. */
export interface EntryReversed {
  subjectId: string;
  entryId: string;
  reason: ReversalReason;
  objectionId?: string;
  decidedBy: string;
  reasons: string;
}

/** An objection to the entry was decided against the subject: the entry stands. */
export interface EntryUpheld {
  subjectId: string;
  entryId: string;
  objectionId: string;
  decidedBy: string;
}

/** A reversed entry comes back, only with new evidence and a fresh notice. */
export interface EntryReinstated {
  subjectId: string;
  entryId: string;
  evidence: EvidenceRef[];
  reinstatedBy: string;
  reasons: string;
  /** The second person who approved it, when it needed four eyes (EntryReinstatementProposed). */
  approvedBy?: string;
}

/** Who brought a reversed entry back, and who approved that when it needed four eyes. */
export type Reinstatement = Pick<EntryReinstated, 'reinstatedBy' | 'approvedBy'>;

/**
 * A reversed entry that needs four eyes (as its recording did) is to come back: it does not count until a second
 * person approves (EntryApproved, then EntryReinstated) or rejects it (EntryRejected: it stays reversed). The entry's
 * judged fields are copied for the approvers' queue.
 */
export type EntryReinstatementProposed = Pick<
  EntryPosted,
  'subjectId' | 'entryId' | 'ruleCode' | 'points' | 'gradeCap' | 'severity' | 'occurredAt' | 'recordedBy' | 'authority'
> &
  Pick<EntryReinstated, 'evidence' | 'reinstatedBy' | 'reasons'>;

export interface StatementOfDisputeAdded {
  subjectId: string;
  entryId: string;
  text: string;
}

/** The entry's effect period ended (the scheduler writes it; reads never wait for it). */
export interface EntryExpired {
  subjectId: string;
  entryId: string;
  expiredAt: string;
}

export interface CreditRepairRequested {
  subjectId: string;
  repairId: string;
  entryId: string;
  proof: EvidenceRef[];
  requestedBy: string;
}

/** Ends the entry's effect early; the record is kept for audit. */
export interface CreditRepairGranted {
  subjectId: string;
  repairId: string;
  entryId: string;
  grantedBy: string;
  reasons: string;
}

export interface CreditRepairRefused {
  subjectId: string;
  repairId: string;
  entryId: string;
  refusedBy: string;
  reasons: string;
}

export interface SchemeVersionPublished {
  scheme: Scheme;
  /** SHA-256 of the scheme's canonical JSON, so that a version can never silently change. */
  contentSha256: string;
}

/** Why someone other than the subject read their record; derived from the viewer's role (see accessPurpose.ts). */
export type AccessPurpose =
  'recording' | 'approval' | 'objectionReview' | 'audit' | 'eligibility' | 'operations' | 'unstated';

/** One read of a subject's data by someone else: who, in which roles, why, what, whose, and when. */
export interface AccessRecord {
  subjectId: string;
  viewerId: string;
  viewerRoles: string[];
  purpose: AccessPurpose;
  /** What was read: 'score', 'history', 'subject', 'listings', 'eligibility', 'accessLog'... */
  what: string;
  at: string;
}

/** A batch of reads, written by the access recorder to the access-log stream. */
export interface RecordsAccessed {
  records: AccessRecord[];
}

/**
 * A subject enters the blacklist of judgment defaulters or the red list, on a legal act (DESIGN.md §1 rule 5).
 * `ground` is one of the six SPC grounds on the blacklist, a criterion code of the scheme on the red list.
 */
export interface ListingAdded {
  listingId: string;
  list: ListName;
  subjectId: string;
  ground: string;
  legalAct: EvidenceRef;
  /** Blacklist: at least one. Red list: none. */
  restrictions: Restriction[];
  /**
   * For a blacklisted organisation: its legal representative, principal, directly responsible persons and
   * actual controller, whom the restrictions bind.
   */
  responsiblePersons: string[];
  listedAt: string;
  /** listedAt plus the scheme's period for the list; an extension moves it. */
  until: string;
  recordedBy: string;
  authority: string;
  schemeVersion: string;
}

/** A court extends an active blacklist listing, on a new legal act. */
export interface ListingExtended {
  listingId: string;
  months: number;
  legalAct: EvidenceRef;
  /** The listing's new end: the previous one plus `months`. */
  until: string;
  recordedBy: string;
}

/** What ends a listing happened; the removal is due `dueBy` (the scheme's working days after the trigger). */
export interface ListingRemovalRequested {
  listingId: string;
  reason: RemovalReason;
  triggeredAt: string;
  evidence: EvidenceRef[];
  dueBy: string;
  requestedBy: string;
}

/** The listing ends; `late` records whether it ended after its removal was due. */
export interface ListingRemoved {
  listingId: string;
  reason: RemovedReason;
  triggeredAt: string;
  /** Absent when no removal was requested and its own deadline lay beyond the working-day calendar: not passed. */
  dueBy?: string;
  removedAt: string;
  late: boolean;
  recordedBy: string;
}

export type LedgerEventMap = ObjectionEventMap & {
  SubjectRegistered: SubjectRegistered;
  EntryPosted: EntryPosted;
  SchemeVersionPublished: SchemeVersionPublished;
  RecordsAccessed: RecordsAccessed;
  ListingAdded: ListingAdded;
  ListingExtended: ListingExtended;
  ListingRemovalRequested: ListingRemovalRequested;
  ListingRemoved: ListingRemoved;
  EntryProposed: EntryProposed;
  EntryApproved: EntryApproved;
  EntryRejected: EntryRejected;
  SubjectNotified: SubjectNotified;
  EntryReversed: EntryReversed;
  EntryUpheld: EntryUpheld;
  EntryReinstated: EntryReinstated;
  EntryReinstatementProposed: EntryReinstatementProposed;
  StatementOfDisputeAdded: StatementOfDisputeAdded;
  EntryExpired: EntryExpired;
  CreditRepairRequested: CreditRepairRequested;
  CreditRepairGranted: CreditRepairGranted;
  CreditRepairRefused: CreditRepairRefused;
};

export type LedgerEventType = keyof LedgerEventMap;
export const ledgerEventTypes = [
  ...objectionEventTypes,
  'SubjectRegistered',
  'EntryPosted',
  'SchemeVersionPublished',
  'RecordsAccessed',
  'ListingAdded',
  'ListingExtended',
  'ListingRemovalRequested',
  'ListingRemoved',
  'EntryProposed',
  'EntryApproved',
  'EntryRejected',
  'SubjectNotified',
  'EntryReversed',
  'EntryUpheld',
  'EntryReinstated',
  'EntryReinstatementProposed',
  'StatementOfDisputeAdded',
  'EntryExpired',
  'CreditRepairRequested',
  'CreditRepairGranted',
  'CreditRepairRefused',
] as const satisfies readonly LedgerEventType[];

/** A domain event before it gets an id and metadata: what deciders return. */
export type LedgerEvent = { [T in LedgerEventType]: { type: T; data: LedgerEventMap[T] } }[LedgerEventType];

export type RecordedLedgerEvent = { [T in LedgerEventType]: RecordedEvent<T, LedgerEventMap[T]> }[LedgerEventType];
export type NewLedgerEvent = { [T in LedgerEventType]: NewEvent<T, LedgerEventMap[T]> }[LedgerEventType];

const ledgerEventTypeSet: ReadonlySet<string> = new Set(ledgerEventTypes);

/** A ledger event as projections fold it: what a fold reads of it (FoldedEvent). */
export type FoldedLedgerEvent = { [T in LedgerEventType]: FoldedEvent<T, LedgerEventMap[T]> }[LedgerEventType];

/** Whether the event is one of the ledger's; narrows a whole event or what a fold reads of one. */
export const isLedgerEvent = <Event extends FoldedEvent>(event: Event): event is Event & FoldedLedgerEvent =>
  ledgerEventTypeSet.has(event.type);

export const subjectStream = (subjectId: string): string => `subject-${subjectId}`;
export const schemeStream = (schemeId: string): string => `scheme-${schemeId}`;
export const subjectStreamPrefix = 'subject-';
/** One stream per objection to an entry: its filing, evidence, decision and reconsideration (objectionEvents.ts). */
export const objectionStream = (objectionId: string): string => `objection-${objectionId}`;
/** One stream per listing: its addition, extensions, removal request and removal. */
export const listingStream = (listingId: string): string => `listing-${listingId}`;
/** Every access record, in batches: one stream, appended with expected revision 'any' (see accessRecorder.ts). */
export const accessLogStream = 'access-log';
