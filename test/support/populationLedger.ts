import { createHash, randomUUID } from 'node:crypto';
import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import type { EventStore } from '../../src/events/eventStore';
import type { ReversalReason } from '../../src/events/ledgerEvents';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { createLedger, type Ledger } from '../../src/ledger/ledger';
import type { EvidenceKind, Scheme } from '../../src/ledger/scheme';
import type { SchemeBook } from '../../src/ledger/schemeBook';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import { publishScheme } from '../../src/ledger/schemePublication';
import { schemaRegistry } from '../../src/schemaRegistry';

/**
 * A ledger on an in-memory store under the Rongcheng scheme, for building small populations through the
 * same commands the API uses: every event is decided by the deciders and checked against its schema.
 */

/** The instant the reports are run at. */
export const reportNow = new Date('2026-11-26T10:00:00.000Z');

export const rongcheng: Scheme = loadScheme(defaultSchemePath());

export interface PopulationLedger {
  store: EventStore;
  schemes: SchemeBook;
  ledger: Ledger;
  register(subjectId: string): Promise<void>;
  /** Records an entry of the rule as `recorder`, for the rule's first authority; returns the entry id. */
  record(
    subjectId: string,
    ruleCode: string,
    occurredAt: string,
    options?: { recorder?: string; points?: number },
  ): Promise<string>;
  reverse(subjectId: string, entryId: string, reason: ReversalReason): Promise<void>;
}

const once = (): string => randomUUID();

export const openPopulationLedger = async (): Promise<PopulationLedger> => {
  const clock = () => reportNow;
  const store = withEventValidation(createInMemoryEventStore({ clock }), schemaRegistry());
  const schemes = await publishScheme(store, rongcheng, reportNow, 'system');
  const ledger = createLedger({ store, schemes, clock });
  return {
    store,
    schemes,
    ledger,
    async register(subjectId) {
      await ledger.registerSubject(
        { subjectId, kind: 'person', birthDate: '1980-01-01' },
        { idempotencyKey: once(), actorId: 'clerk-liu' },
      );
    },
    async record(subjectId, ruleCode, occurredAt, { recorder = 'officer-zhang', points } = {}) {
      const rule = rongcheng.catalogue.find((item) => item.code === ruleCode);
      if (!rule) throw new Error(`no rule ${ruleCode}`);
      const documentNumber = once();
      const { entryId } = await ledger.recordEntry(
        {
          subjectId,
          ruleCode,
          occurredAt,
          ...(points === undefined ? {} : { points, narrative: 'the value the recorder chose in the range' }),
          evidence: [
            {
              kind: rule.evidenceKinds[0] as EvidenceKind,
              issuer: 'Rongcheng issuing authority',
              documentNumber,
              sha256: createHash('sha256').update(documentNumber).digest('hex'),
            },
          ],
        },
        { idempotencyKey: once(), actorId: recorder, authority: rule.recordingAuthorities[0] as string },
      );
      return entryId;
    },
    async reverse(subjectId, entryId, reason) {
      await ledger.reverseEntry(
        { subjectId, entryId, reason, reasons: 'the objection was well founded' },
        { idempotencyKey: once(), actorId: 'officer-gao' },
      );
    },
  };
};
