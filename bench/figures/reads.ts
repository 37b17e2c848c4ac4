import { railMeasure, type Headers } from '../credentials';
import { below, ratioAtLeast } from '../goals';
import { get } from '../ledgerHttp';
import { residentPlaceholder, type RequestPlan } from '../load/loadSpec';
import { startBaselineServer, startWarmedLedgerServer, withServers } from '../serverProcess';
import { compareLoads } from './httpLoads';
import { metrics, type Figure, type FigureId, type PopulationContext } from './figure';
import { probeSubject } from '../residents';

/**
 * Reads under load (GET, 50 connections, a random resident each time): the ledger's answers from its live
 * projections, with the access log on (batched), against a bare express app that answers every request with
 * one of the ledger's own answers to the same question (baselines/readServer.ts), so that both send the same
 * bytes.
 */

interface ReadQuestion {
  id: FigureId;
  title: string;
  path: (subject: string) => string;
  caller: (context: PopulationContext) => Headers;
}

const readFigure = (question: ReadQuestion): Figure => ({
  id: question.id,
  title: question.title,
  primary: { metric: metrics.requestsPerSecond, unit: 'req/s', higherIsBetter: true },
  baselineTitle: 'bare express answering a fixed JSON body of the same size',
  goals: [ratioAtLeast(0.8), below(metrics.p99Ms, 10, 'ms', 'p99')],
  growth: 'constant',
  prerequisites: ['projectionsBuilt', 'checkpointIssued'],
  measure: (context) =>
    withServers([() => startWarmedLedgerServer(context.dbPath)], async ([ledger]) => {
      const sample = await get(`${ledger.url}${question.path(probeSubject)}`, question.caller(context));
      if (sample.status !== 200) throw new Error(`the sample read answered ${sample.status}: ${sample.body}`);
      return withServers(
        [() => startBaselineServer('baselines/readServer.js', { BENCH_BASELINE_BODY: sample.body })],
        async ([baseline]) => {
          const plan: RequestPlan = {
            kind: 'getResident',
            path: question.path(residentPlaceholder),
            residents: context.population.residents,
            headers: question.caller(context),
          };
          const target = { plan, expectedStatus: 200, connections: context.settings.connections };
          const measurement = await compareLoads(context.settings, {
            ours: { ...target, url: ledger.url },
            baseline: { ...target, url: baseline.url },
          });
          return { ...measurement, notes: [`${sample.body.length}-byte answers; the access log records every read`] };
        },
      );
    }),
});

export const scoreReads = readFigure({
  id: 'scoreReads',
  title: 'score reads',
  path: (subject) => `/v1/subjects/${subject}/score`,
  caller: ({ credentials }) => credentials.auditor,
});

export const eligibilityReads = readFigure({
  id: 'eligibilityReads',
  title: 'eligibility reads',
  path: (subject) => `/v1/eligibility/${subject}?measure=${railMeasure}`,
  caller: ({ credentials }) => credentials.railConsumer,
});
