import { createHash } from 'node:crypto';
import type { EvidenceRef } from '../events/ledgerEvents';
import type { Ledger } from '../ledger/ledger';
import type { SubjectDirectory } from '../ledger/subjectDirectory';
import type { EvidenceKind } from '../ledger/scheme';

/**
 * A handful of residents and one company with entries that show each kind of rule: fixed deductions, a
 * range with its narrative, additions, the donation cap and a drunk-driving grade cap. Written through the
 * ledger's own commands, so every rule applies; idempotency keys make a second run write nothing.
 */

const demoActor = 'demo-seed';

const evidence = (kind: EvidenceKind, issuer: string, documentNumber: string): EvidenceRef[] => [
  { kind, issuer, documentNumber, sha256: createHash('sha256').update(`${issuer}/${documentNumber}`).digest('hex') },
];

interface DemoSubject {
  id: string;
  kind: 'person' | 'organization';
  displayName: string;
  birthDate?: string;
  entries: {
    authority: string;
    ruleCode: string;
    occurredAt: string;
    points?: number;
    narrative?: string;
    evidence: EvidenceRef[];
  }[];
}

const demoSubjects: DemoSubject[] = [
  {
    id: 'demo-wang-haiyan',
    kind: 'person',
    displayName: 'Wang Haiyan',
    birthDate: '1978-03-14',
    entries: [
      {
        authority: 'village-committee',
        ruleCode: 'VOL-HOURS',
        occurredAt: '2025-01-18T09:00:00Z',
        points: 5,
        narrative: '20 hours at the village library',
        evidence: evidence('volunteerHoursCert', 'Dongshan volunteer station', 'V-2025-0118'),
      },
      {
        authority: 'civilisation-office',
        ruleCode: 'HRO-HEROIC-ACT',
        occurredAt: '2025-06-02T16:30:00Z',
        evidence: evidence('honourCertificate', 'Rongcheng civilisation office', 'H-2025-031'),
      },
      {
        authority: 'charity-federation',
        ruleCode: 'CHR-DONATION',
        occurredAt: '2025-11-20T10:00:00Z',
        evidence: evidence('donationReceipt', 'Rongcheng charity federation', 'D-2025-7781'),
      },
    ],
  },
  {
    id: 'demo-li-qiang',
    kind: 'person',
    displayName: 'Li Qiang',
    birthDate: '1990-08-02',
    entries: [
      {
        authority: 'traffic-police',
        ruleCode: 'TRF-TICKET',
        occurredAt: '2025-09-03T07:45:00Z',
        evidence: evidence('trafficTicket', 'Rongcheng traffic police', 'T-3701-2025-55120'),
      },
      {
        authority: 'utility',
        ruleCode: 'PUB-FEES-LATE',
        occurredAt: '2026-01-10T00:00:00Z',
        evidence: evidence('utilityRecord', 'Rongcheng heating company', 'U-2026-0042'),
      },
    ],
  },
  {
    id: 'demo-zhao-min',
    kind: 'person',
    displayName: 'Zhao Min',
    birthDate: '1985-12-24',
    entries: [
      {
        authority: 'court',
        ruleCode: 'TRF-DUI',
        occurredAt: '2026-02-14T22:10:00Z',
        evidence: evidence('courtJudgment', "Rongcheng People's Court", '(2026) Lu 1082 Xing Chu 17'),
      },
    ],
  },
  {
    id: 'demo-haiyang-fisheries',
    kind: 'organization',
    displayName: 'Haiyang Fisheries Co.',
    entries: [
      {
        authority: 'market-regulator',
        ruleCode: 'COM-OTHER-UNTRUSTWORTHY',
        occurredAt: '2026-03-05T00:00:00Z',
        points: -15,
        narrative: 'repeated late delivery to the co-operative, found by the market regulator',
        evidence: evidence('adminPenaltyDecision', 'Rongcheng market regulation bureau', 'MR-2026-0305'),
      },
    ],
  },
];

export const seedDemoData = async (ledger: Ledger, directory: SubjectDirectory): Promise<string[]> => {
  for (const subject of demoSubjects) {
    await ledger.registerSubject(
      { subjectId: subject.id, kind: subject.kind, ...(subject.birthDate ? { birthDate: subject.birthDate } : {}) },
      { idempotencyKey: `demo:${subject.id}`, actorId: demoActor },
    );
    directory.save({ subjectId: subject.id, displayName: subject.displayName, birthDate: subject.birthDate });
    for (const [index, { authority, ...entry }] of subject.entries.entries()) {
      await ledger.recordEntry(
        { subjectId: subject.id, ...entry },
        { idempotencyKey: `demo:${subject.id}:${index}`, actorId: `${demoActor}-${authority}`, authority },
      );
    }
  }
  return demoSubjects.map((subject) => subject.id);
};
