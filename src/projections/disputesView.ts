/**
 * Which of a subject's entries are disputed: under an objection (or a reconsideration) not yet decided.
 * Disputed entries still count, but every read shows them as disputed, and no perk is denied on them alone.
 */
export interface DisputesView {
  /** Now, or at a past instant `at`: a replay shows the entries disputed then, as the ledger showed them. */
  openEntryIds(subjectId: string, at?: Date): string[];
}
