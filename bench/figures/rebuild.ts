import { runBenchScript } from '../benchScript';
import { formatQuantity } from '../format';
import { below, ratioAtLeast } from '../goals';
import { runLedger } from '../ledgerCli';
import { logHead } from '../logCounts';
import { summarise } from '../stats';
import { alternate } from './alternate';
import { metrics, type Figure } from './figure';

/**
 * Rebuild of every projection from zero: `ledger rebuild` on the population, timed from spawn to exit (events in
 * the log / seconds; the command's own "rebuilt in" time is kept beside it), against a bare loop that reads the
 * same rows in pages, parses them and folds the points into a Map (baselines/foldLoop.ts).
 */

const reportedTime = /rebuilt in ([\d.]+) s/;
const tenMillionEvents = 10_000_000;

interface RebuildRun {
  eventsPerSecond: number;
  reportedSeconds?: number;
}

export const rebuild: Figure = {
  id: 'rebuild',
  title: 'rebuild of every projection',
  primary: { metric: metrics.eventsPerSecond, unit: 'events/s', higherIsBetter: true },
  baselineTitle: 'bare read + JSON.parse + Map fold, pages of 1,000',
  goals: [ratioAtLeast(0.6), below(metrics.secondsForTenMillionEvents, 60, 's', '10 M events (at this rate)')],
  growth: 'linear',
  prerequisites: [],
  establishes: ['projectionsBuilt'],
  async measure({ settings, dbPath }) {
    const events = logHead(dbPath);
    const outcomes = await alternate<RebuildRun>(
      settings.runs,
      {
        baseline: async () => ({
          eventsPerSecond: events / (await runBenchScript('baselines/foldLoop.js', [dbPath])).seconds,
        }),
        ours: async () => {
          const { stderr, seconds } = await runLedger(dbPath, ['rebuild']);
          const reported = reportedTime.exec(stderr)?.[1];
          return { eventsPerSecond: events / seconds, ...(reported ? { reportedSeconds: Number(reported) } : {}) };
        },
      },
      (run) => formatQuantity(run.eventsPerSecond, 'events/s'),
    );
    const rates = outcomes.ours.map((run) => run.eventsPerSecond);
    const reported = outcomes.ours.flatMap((run) => (run.reportedSeconds === undefined ? [] : [run.reportedSeconds]));
    return {
      ours: {
        [metrics.eventsPerSecond]: summarise(rates),
        [metrics.secondsForTenMillionEvents]: summarise(rates.map((rate) => tenMillionEvents / rate)),
        ...(reported.length > 0 ? { [metrics.reportedSeconds]: summarise(reported) } : {}),
      },
      baseline: { [metrics.eventsPerSecond]: summarise(outcomes.baseline.map((run) => run.eventsPerSecond)) },
      notes: ['timed from spawn to exit over the whole log; "own time" is the command\'s own "rebuilt in" time'],
    };
  },
};
