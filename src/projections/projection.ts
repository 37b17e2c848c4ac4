import type { Database } from 'better-sqlite3';
import type { FoldedEvent } from '../events/eventStore';
import type { LedgerEventMap, LedgerEventType } from '../events/ledgerEvents';

/**
 * A read model kept in SQLite tables and fed from the store by the runner. `apply` runs inside the
 * runner's transaction together with the checkpoint update, so each event takes effect exactly once.
 * Bump `version` when the tables or the fold change: the runner then rebuilds it from zero.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  /**
   * The event types `apply` folds. The runner reads only these from the store and hands each projection only
   * its own, so a rebuild never loads the events no read model needs (a third of a city's log is notices).
   */
  readonly eventTypes: readonly LedgerEventType[];
  /** The indexes a rebuild from zero folds without: it builds them once it has caught up. */
  readonly readIndexes: readonly ReadIndex[];
  /** Deletes every row, for a rebuild from zero, which folds without the read indexes until `rebuilt`. */
  reset(): void;
  /**
   * Called once a rebuild from zero has caught up and its read indexes are built: a fold that found its rows without
   * them since `reset` (in memory) may use them from now on.
   */
  rebuilt?(): void;
  apply(event: FoldedEvent): void;
}

/** What a projection does with each event type it folds. */
export type LedgerEventHandlers = {
  [T in LedgerEventType]?: (event: FoldedEvent<T, LedgerEventMap[T]>) => void;
};

/** A projection's eventTypes and apply, both from one table of handlers, so that the two cannot disagree. */
export const foldByType = (handlers: LedgerEventHandlers): Pick<Projection, 'eventTypes' | 'apply'> => {
  const byType = new Map(Object.entries(handlers)) as Map<string, (event: FoldedEvent) => void>;
  return {
    eventTypes: [...byType.keys()] as LedgerEventType[],
    apply: (event) => byType.get(event.type)?.(event),
  };
};

/**
 * A secondary index that a projection's reads use, or its fold too if the fold can find its rows without it while
 * rebuilding from zero (until `rebuilt`); never a unique one, since nothing refuses rows while it is absent. A rebuild
 * from zero drops it and builds it once, sorted, when it has caught up, instead of inserting into it row by row: random
 * keys on pages beyond the cache, which made a rebuild slow down as the log grew.
 */
export interface ReadIndex {
  name: string;
  /** What follows ON: the table, the columns and any WHERE of a partial index. */
  on: string;
}

export const createReadIndexes = (db: Database, indexes: readonly ReadIndex[]): void => {
  for (const index of indexes) db.exec(`CREATE INDEX IF NOT EXISTS ${index.name} ON ${index.on}`);
};

export const dropReadIndexes = (db: Database, indexes: readonly ReadIndex[]): void => {
  for (const index of indexes) db.exec(`DROP INDEX IF EXISTS ${index.name}`);
};
