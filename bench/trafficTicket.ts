import { createHash } from 'node:crypto';
import { seedAsOfDate } from './ledgerCli';

/**
 * The entry the bench records: the README's traffic ticket (TRF-TICKET, −5 points, recorded by the traffic
 * police), with an evidence document number of its own. Its conduct is dated on the seeded city's last day,
 * after every seeded resident came of age (`seed --as-of`, ledgerCli.ts) and before the ledger's clock.
 */

export const ticketOccurredAt = `${seedAsOfDate}T08:00:00Z`;

export const trafficTicket = (documentNumber: string): object => ({
  ruleCode: 'TRF-TICKET',
  occurredAt: ticketOccurredAt,
  evidence: [
    {
      kind: 'trafficTicket',
      issuer: 'Rongcheng traffic police',
      documentNumber,
      sha256: createHash('sha256').update(documentNumber).digest('hex'),
    },
  ],
});
