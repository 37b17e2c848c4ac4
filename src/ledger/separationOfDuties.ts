import type { Reinstatement } from '../events/ledgerEvents';
import { LedgerForbidden } from './errors';

/**
 * Separation of duties (DESIGN.md §1 item 2): recorder, approver, appeal officer and reconsideration officer are
 * different people, and no official acts on their own record, whatever their roles. Pure: the deciders call these
 * guards with the actor their context names. Each `what` names the act as a gerund ("recording an entry").
 */

/** Who acts on a command, as the deciders' contexts carry it beside the actor id their events name. */
export interface Actor {
  /**
   * The actor's own subject id, when their credentials name one (a resident, or an official who is one too): whoever
   * they are, they never decide about their own record.
   */
  actorSubjectId?: string;
}

/** No official acts on their own record: refused whatever their roles. */
export const requireNotOwnRecord = ({ actorSubjectId }: Actor, subjectId: string, what: string): void => {
  if (actorSubjectId === subjectId) {
    throw new LedgerForbidden('separation-of-duties', `${what} is not for an official whose own record it is`, {
      part: 'subject',
    });
  }
};

/** The officials who put an entry on its subject's record: at its recording, and at each reinstatement. */
export interface EntryOfficials {
  subjectId: string;
  recordedBy: string;
  approvedBy?: string;
  reinstatements?: readonly Reinstatement[];
  /** The officials of the entries an amendment replaced by this one. */
  formerOfficials?: readonly string[];
}

/** Everyone who had a part in putting the entry on the record, or the entries it amends; none for no entry. */
export const officialIdsOf = (entry: EntryOfficials | undefined): string[] =>
  entry
    ? [
        ...new Set([
          entry.recordedBy,
          ...(entry.approvedBy ? [entry.approvedBy] : []),
          ...(entry.reinstatements ?? []).flatMap(({ reinstatedBy, approvedBy }) => [
            reinstatedBy,
            ...(approvedBy ? [approvedBy] : []),
          ]),
          ...(entry.formerOfficials ?? []),
        ]),
      ]
    : [];

/** The part an official had in putting the entry on the record, if any: its name, and how a refusal says it. */
const partIn = (entry: EntryOfficials, actorId: string): { part: string; words: string } | undefined => {
  if (actorId === entry.recordedBy) return { part: 'recorder', words: 'its recorder' };
  if (actorId === entry.approvedBy) return { part: 'approver', words: 'its approver' };
  const reinstatements = entry.reinstatements ?? [];
  if (reinstatements.some(({ reinstatedBy }) => actorId === reinstatedBy))
    return { part: 'reinstater', words: 'who reinstated it' };
  if (reinstatements.some(({ approvedBy }) => actorId === approvedBy))
    return { part: 'reinstatementApprover', words: 'who approved its reinstatement' };
  if (entry.formerOfficials?.includes(actorId))
    return { part: 'formerOfficial', words: 'an official of the entry it amends' };
  return undefined;
};

/**
 * Whoever judges an entry (an objection to it, or its credit repair) is independent of it: they had no part in
 * putting it on the record, and it is not their own.
 */
export const requireIndependentOfEntry = (actorId: string, actor: Actor, entry: EntryOfficials, what: string): void => {
  const taken = partIn(entry, actorId);
  if (taken) {
    throw new LedgerForbidden('separation-of-duties', `${what} is not for ${taken.words} (${actorId})`, {
      part: taken.part,
    });
  }
  requireNotOwnRecord(actor, entry.subjectId, what);
};
