import { Gauge, type Registry } from 'prom-client';
import type { ListingsReadModel } from './listingsProjection';

/**
 * The removal deadline alarm (reference/domain.md §B7: removal is due within 3 working days of its
 * trigger): how many listings are still standing past their removal deadline, counted when scraped.
 */
export const listingRemovalsOverdueMetric = 'ledger_listing_removals_overdue';

export const registerListingMetrics = (
  registry: Registry,
  listingsView: Pick<ListingsReadModel, 'overdueRemovals'>,
  clock: () => Date,
): Gauge =>
  new Gauge({
    name: listingRemovalsOverdueMetric,
    help: 'Listings still standing after their removal was due (requested removals and ended periods)',
    registers: [registry],
    collect() {
      // A limit of 0: only the count is wanted, not the items.
      this.set(listingsView.overdueRemovals(clock(), 0).total);
    },
  });
