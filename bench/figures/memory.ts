import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueAuditorToken, type Headers } from '../credentials';
import { removeDatabase } from '../databaseFiles';
import { formatCount, formatQuantity } from '../format';
import { below } from '../goals';
import { runLedger } from '../ledgerCli';
import { get, waitForProjections } from '../ledgerHttp';
import { logHead } from '../logCounts';
import { randomResident } from '../residents';
import { startLedgerServer, withServers } from '../serverProcess';
import { summarise } from '../stats';
import { alternate } from './alternate';
import { metrics, type Figure } from './figure';

/**
 * Memory of the live projections per subject: `ledger serve` on the population, caught up, after score reads of
 * a sample of residents, minus `ledger serve` on an empty ledger after the same reads, divided by the subjects.
 * Both are measured the same way and in turn, run by run. RSS comes from /proc/<pid>/status; the V8 heap from
 * the service's own metrics (`nodejs_heap_size_used_bytes` in GET /v1/metrics) when it exposes them.
 */

const catchUpTimeoutMs = 10 * 60_000;
const heapMetric = 'nodejs_heap_size_used_bytes';

interface MemoryReading {
  rssBytes: number;
  heapBytes?: number;
}

const residentSetBytes = (pid: number): number => {
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kilobytes === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kilobytes) * 1024;
};

const metricValue = (exposition: string, name: string): number | undefined => {
  const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(exposition)?.[1];
  return value === undefined ? undefined : Number(value);
};

/** Serves `dbPath`, waits for its projections, reads `sampleReads` scores, and reads the server's memory. */
const memoryAfterReads = async (
  dbPath: string,
  auditor: Headers,
  sampleReads: number,
  residents: number,
  expectedStatus: number,
): Promise<MemoryReading> => {
  const head = logHead(dbPath);
  return withServers([() => startLedgerServer(dbPath)], async ([server]) => {
    await waitForProjections(server.url, head, catchUpTimeoutMs);
    for (let read = 0; read < sampleReads; read += 1) {
      const subject = randomResident(residents);
      const { status } = await get(`${server.url}/v1/subjects/${subject}/score`, auditor);
      if (status !== expectedStatus) throw new Error(`a sample read of ${subject} answered ${status}`);
    }
    const heapBytes = metricValue((await get(`${server.url}/v1/metrics`, auditor)).body, heapMetric);
    return { rssBytes: residentSetBytes(server.pid), ...(heapBytes === undefined ? {} : { heapBytes }) };
  });
};

const describeReading = (reading: MemoryReading): string =>
  `RSS ${formatQuantity(reading.rssBytes / 2 ** 20, 'MiB')}` +
  (reading.heapBytes === undefined ? '' : `, heap ${formatQuantity(reading.heapBytes / 2 ** 20, 'MiB')}`);

export const memory: Figure = {
  id: 'memory',
  title: 'memory of the live projections',
  primary: { metric: metrics.rssBytesPerSubject, unit: 'B/subject', higherIsBetter: false },
  goals: [below(metrics.rssBytesPerSubject, 250, 'B', 'RSS per subject')],
  prerequisites: ['projectionsBuilt', 'checkpointIssued'],
  async measure({ settings, dbPath, population, credentials, scratchDirectory }) {
    const emptyPath = join(scratchDirectory, 'empty-ledger.db');
    try {
      // A ledger with its scheme and nothing else, started as an operator starts one: the credentials commands work
      // on an existing ledger only.
      await runLedger(emptyPath, ['seed', '--residents', '0', '--organisations', '0']);
      const emptyAuditor = await issueAuditorToken(emptyPath);
      const readings = await alternate(
        settings.runs,
        {
          baseline: () =>
            memoryAfterReads(emptyPath, emptyAuditor, settings.memorySampleReads, population.residents, 404),
          ours: () =>
            memoryAfterReads(dbPath, credentials.auditor, settings.memorySampleReads, population.residents, 200),
        },
        describeReading,
      );
      const perSubject = (bytes: (reading: MemoryReading) => number | undefined): number[] =>
        readings.ours.flatMap((reading, run) => {
          const full = bytes(reading);
          const empty = bytes(readings.baseline[run] as MemoryReading);
          return full === undefined || empty === undefined ? [] : [(full - empty) / population.subjects];
        });
      const rss = perSubject((reading) => reading.rssBytes);
      const heap = perSubject((reading) => reading.heapBytes);
      return {
        ours: {
          [metrics.rssBytesPerSubject]: summarise(rss),
          ...(heap.length === rss.length ? { [metrics.heapBytesPerSubject]: summarise(heap) } : {}),
        },
        notes: [
          `(serve on the population − serve on an empty ledger) / ${formatCount(population.subjects)} subjects, ` +
            `each after ${formatCount(settings.memorySampleReads)} score reads`,
          ...(heap.length === rss.length ? [] : [`no heap figure: GET /v1/metrics has no ${heapMetric} yet`]),
        ],
      };
    } finally {
      removeDatabase(emptyPath);
    }
  },
};
