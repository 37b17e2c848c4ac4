import type { EventStore, Position } from '../events/eventStore';
import { isLedgerEvent, listingStream, subjectStream } from '../events/ledgerEvents';
import { derivedId, foldWith, handleCommand } from './commandHandler';
import type { RecordingContext } from './ledger';
import {
  decideListing,
  evolveListing,
  initialListingState,
  type AddListing,
  type ExtendListing,
  type ListingCommand,
  type ListingState,
  type RemovalTrigger,
  type RequestListingRemoval,
  type SubjectKind,
} from './listing';
import type { SchemeBook } from './schemeBook';
import type { WorkingDayCalendar } from './workingDays';

/**
 * The write side of listings: commands in, events appended to the listing's stream. Every command carries
 * an idempotency key and the authority its recorder acts for; a retry with the same key returns the first
 * result and writes nothing.
 */

export type NewListing = Pick<AddListing, 'list' | 'subjectId' | 'ground' | 'legalAct'> &
  Partial<Pick<AddListing, 'restrictions' | 'responsiblePersons' | 'listedAt'>>;

interface Written {
  listingId: string;
  position: Position;
  replayed: boolean;
}

export interface Listings {
  /** Without `listedAt` the listing starts now. The listing id derives from the idempotency key. */
  addListing(command: NewListing, context: RecordingContext): Promise<Written & { until: string }>;
  extendListing(
    command: Pick<ExtendListing, 'listingId' | 'months' | 'legalAct'>,
    context: RecordingContext,
  ): Promise<Written & { until: string }>;
  requestRemoval(
    command: Pick<RequestListingRemoval, 'listingId' | 'reason' | 'triggeredAt' | 'evidence'>,
    context: RecordingContext,
  ): Promise<Written & { dueBy: string }>;
  removeListing(
    command: { listingId: string } & RemovalTrigger,
    context: RecordingContext,
  ): Promise<Written & { removedAt: string; late: boolean }>;
}

export interface ListingsOptions {
  store: EventStore;
  schemes: SchemeBook;
  calendar: WorkingDayCalendar;
  clock: () => Date;
}

export const createListings = ({ store, schemes, calendar, clock }: ListingsOptions): Listings => {
  const onListing = async (command: ListingCommand, context: RecordingContext) => {
    const outcome = await handleCommand<ListingState>({
      store,
      stream: listingStream(command.listingId),
      fold: foldWith(initialListingState, evolveListing),
      decide: (state) =>
        decideListing(command, state, { now: clock(), schemes, calendar, actorSubjectId: context.actorSubjectId }),
      context,
    });
    return { ...outcome, listingId: command.listingId };
  };

  /** A subject's kind is on the first event of its stream; an id with no stream is not registered. */
  const registeredKinds = async (subjectIds: readonly string[]): Promise<Map<string, SubjectKind>> => {
    const kinds = new Map<string, SubjectKind>();
    for (const subjectId of new Set(subjectIds)) {
      const [first] = await store.readStream(subjectStream(subjectId), { maxCount: 1 });
      if (first && isLedgerEvent(first) && first.type === 'SubjectRegistered') kinds.set(subjectId, first.data.kind);
    }
    return kinds;
  };

  return {
    async addListing(command, context) {
      const responsiblePersons = command.responsiblePersons ?? [];
      const outcome = await onListing(
        {
          ...command,
          type: 'AddListing',
          listingId: derivedId(context.idempotencyKey, 'listing'),
          restrictions: command.restrictions ?? [],
          responsiblePersons,
          listedAt: command.listedAt ?? clock().toISOString(),
          registeredKinds: await registeredKinds([command.subjectId, ...responsiblePersons]),
          recordedBy: context.actorId,
          authority: context.authority,
        },
        context,
      );
      return { ...written(outcome), until: outcome.state.until as string };
    },
    async extendListing(command, context) {
      const outcome = await onListing(
        { ...command, type: 'ExtendListing', recordedBy: context.actorId, authority: context.authority },
        context,
      );
      return { ...written(outcome), until: outcome.state.until as string };
    },
    async requestRemoval(command, context) {
      const outcome = await onListing(
        { ...command, type: 'RequestListingRemoval', requestedBy: context.actorId, authority: context.authority },
        context,
      );
      return { ...written(outcome), dueBy: outcome.state.removalRequest?.dueBy as string };
    },
    async removeListing(command, context) {
      const outcome = await onListing(
        { ...command, type: 'RemoveListing', recordedBy: context.actorId, authority: context.authority },
        context,
      );
      const removal = outcome.state.removal as NonNullable<ListingState['removal']>;
      return { ...written(outcome), removedAt: removal.removedAt, late: removal.late };
    },
  };
};

const written = (outcome: Written): Written => ({
  listingId: outcome.listingId,
  position: outcome.position,
  replayed: outcome.replayed,
});
