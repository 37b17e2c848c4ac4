import type { EvidenceRef, LedgerEvent } from '../events/ledgerEvents';
import { addMonths } from './calendar';
import { entryOf } from './entryLifecycle';
import { LedgerRuleViolation } from './errors';
import type { DecisionContext } from './judging';
import { requireIndependentOfEntry } from './separationOfDuties';
import type { SubjectState } from './subjectState';

/**
 * Credit repair (reference/domain.md §A9, NDRC Order No. 36): after the minimum period of its tier, counted
 * from the finding, a subject with proof of correction may apply; an officer grants or refuses with reasons.
 * A grant ends the entry's effect early and keeps the record for audit.
 */

export interface RequestCreditRepair {
  type: 'RequestCreditRepair';
  subjectId: string;
  entryId: string;
  repairId: string;
  proof: EvidenceRef[];
  requestedBy: string;
}

export interface DecideCreditRepair {
  type: 'DecideCreditRepair';
  subjectId: string;
  entryId: string;
  decision: 'grant' | 'refuse';
  reasons: string;
  officerId: string;
}

export type CreditRepairCommand = RequestCreditRepair | DecideCreditRepair;

export const decideCreditRepair = (
  command: CreditRepairCommand,
  state: SubjectState,
  context: DecisionContext,
): LedgerEvent[] => {
  const { now, schemes } = context;
  const entry = entryOf(state, command.subjectId, command.entryId);
  if (command.type === 'RequestCreditRepair') {
    if (entry.status !== 'posted' || entry.points > 0) {
      throw new LedgerRuleViolation(
        'entry-not-repairable',
        'credit repair applies to a deduction or grade cap in effect',
      );
    }
    if (entry.repair?.status === 'requested') {
      throw new LedgerRuleViolation('repair-already-requested', 'a request to repair this entry is still open');
    }
    // The wait of the version the entry was judged under, or the current one's if shorter: a new version never
    // applies to the subject's disadvantage, and a lighter one applies to every entry.
    const months = Math.min(
      ...[schemes.version(entry.schemeVersion), schemes.forReading(now)].map(
        (scheme) => scheme?.dueProcess.repairMinimumMonths[entry.severity] ?? Infinity,
      ),
    );
    const earliest = addMonths(new Date(entry.occurredAt), months);
    if (earliest > now) {
      throw new LedgerRuleViolation(
        'repair-too-early',
        `a ${entry.severity} entry can be repaired from ${earliest.toISOString()}`,
        {
          earliest: earliest.toISOString(),
        },
      );
    }
    return [
      {
        type: 'CreditRepairRequested',
        data: {
          subjectId: command.subjectId,
          repairId: command.repairId,
          entryId: command.entryId,
          proof: command.proof,
          requestedBy: command.requestedBy,
        },
      },
    ];
  }
  const repair = entry.repair;
  if (repair?.status !== 'requested')
    throw new LedgerRuleViolation('no-repair-requested', 'no request to repair this entry is open');
  requireIndependentOfEntry(command.officerId, context, entry, 'deciding the repair of an entry');
  if (command.reasons.trim() === '') throw new LedgerRuleViolation('reasons-required', 'a decision gives its reasons');
  // Repair ends the effect of an entry that counts. One reversed or expired since the request (its effect over, even
  // before the sweep records the expiry) counts no more: granting would only mark it repaired, hiding the expiry, and a
  // repaired entry is never reinstated. The request is closed by a refusal instead.
  if (command.decision === 'grant' && (entry.status !== 'posted' || new Date(entry.effectiveUntil) <= now)) {
    throw new LedgerRuleViolation(
      'entry-not-in-effect',
      `entry ${entry.entryId} is ${entry.status === 'posted' ? `past its effect (${entry.effectiveUntil})` : entry.status}: ` +
        'only an entry in effect is repaired; refuse the request to close it',
      { entryStatus: entry.status },
    );
  }
  const decided = {
    subjectId: command.subjectId,
    repairId: repair.repairId,
    entryId: command.entryId,
    reasons: command.reasons,
  };
  return command.decision === 'grant'
    ? [
        { type: 'CreditRepairGranted', data: { ...decided, grantedBy: command.officerId } },
        {
          type: 'SubjectNotified',
          data: { subjectId: command.subjectId, entryId: command.entryId, notice: 'repairGranted' },
        },
      ]
    : [
        { type: 'CreditRepairRefused', data: { ...decided, refusedBy: command.officerId } },
        {
          type: 'SubjectNotified',
          data: { subjectId: command.subjectId, entryId: command.entryId, notice: 'repairRefused' },
        },
      ];
};
