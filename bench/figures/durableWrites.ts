import { join } from 'node:path';
import { removeDatabase } from '../databaseFiles';
import { below, ratioAtLeast } from '../goals';
import { startBaselineServer, startWarmedLedgerServer, withServers } from '../serverProcess';
import { compareLoads } from './httpLoads';
import { metrics, type Figure } from './figure';

/**
 * Durable single entries through the API: POST /v1/subjects/<random resident>/entries at 50 connections, each a
 * traffic ticket with its own idempotency key and evidence document, answered 201 once durable (synchronous=FULL),
 * against a bare express app doing one SQLite transaction per request (baselines/writeServer.ts) on a fresh
 * database.
 */

export const durableWrites: Figure = {
  id: 'durableWrites',
  title: 'durable single entries (POST)',
  primary: { metric: metrics.requestsPerSecond, unit: 'entries/s', higherIsBetter: true },
  baselineTitle: 'bare express, one synchronous=FULL transaction per request',
  goals: [ratioAtLeast(3), below(metrics.p99Ms, 25, 'ms', 'p99')],
  growth: 'constant',
  prerequisites: ['projectionsBuilt', 'checkpointIssued'],
  async measure({ settings, dbPath, population, credentials, scratchDirectory }) {
    const baselinePath = join(scratchDirectory, 'write-baseline.db');
    try {
      return await withServers(
        [
          () => startWarmedLedgerServer(dbPath),
          () => startBaselineServer('baselines/writeServer.js', { BENCH_BASELINE_DB: baselinePath }),
        ],
        async ([ledger, baseline]) => {
          const target = {
            plan: { kind: 'recordEntry' as const, residents: population.residents, headers: credentials.recorder },
            expectedStatus: 201,
            connections: settings.connections,
          };
          return compareLoads(settings, {
            ours: { ...target, url: ledger.url },
            baseline: { ...target, url: baseline.url },
          });
        },
      );
    } finally {
      removeDatabase(baselinePath);
    }
  },
};
