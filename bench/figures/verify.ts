import { runBenchScript } from '../benchScript';
import { formatQuantity } from '../format';
import { ratioAtLeast } from '../goals';
import { runLedger } from '../ledgerCli';
import { logHead } from '../logCounts';
import { summarise } from '../stats';
import { alternate } from './alternate';
import { metrics, type Figure } from './figure';

/**
 * Verify of the whole log: `ledger verify` (every stream's hash chain, and the Merkle tree against the latest
 * signed checkpoint) timed from spawn to exit, against SHA-256 of the same stored rows in a bare loop
 * (baselines/hashLoop.ts).
 */

export const verify: Figure = {
  id: 'verify',
  title: 'verify of the whole log',
  primary: { metric: metrics.eventsPerSecond, unit: 'events/s', higherIsBetter: true },
  baselineTitle: 'bare SHA-256 of each stored row, pages of 1,000',
  goals: [ratioAtLeast(0.5)],
  growth: 'linear',
  prerequisites: ['projectionsBuilt', 'checkpointIssued'],
  async measure({ settings, dbPath }) {
    const events = logHead(dbPath);
    const outcomes = await alternate(
      settings.runs,
      {
        baseline: async () => events / (await runBenchScript('baselines/hashLoop.js', [dbPath])).seconds,
        // verify exits non-zero on a broken log, which fails the run with its verdict (runToCompletion).
        ours: async () => events / (await runLedger(dbPath, ['verify'])).seconds,
      },
      (rate) => formatQuantity(rate, 'events/s'),
    );
    return {
      ours: { [metrics.eventsPerSecond]: summarise(outcomes.ours) },
      baseline: { [metrics.eventsPerSecond]: summarise(outcomes.baseline) },
      notes: ['timed from spawn to exit, against the checkpoint issued before it'],
    };
  },
};
