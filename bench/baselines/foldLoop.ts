import { performance } from 'node:perf_hooks';
import { runScriptMain } from '../benchScript';
import { forEachPage } from './pagedRead';

/**
 * The rebuild baseline: reads every event of the database given as the argument, parses its data and folds
 * the points into a Map by stream. What a rebuild cannot do with less: read, parse, fold.
 */

export interface FoldLoopResult {
  events: number;
  streams: number;
  loopSeconds: number;
}

interface Row {
  position: number;
  stream_name: string;
  data: string;
}

runScriptMain(async (): Promise<FoldLoopResult> => {
  const dbPath = process.argv[2] as string;
  const startedAt = performance.now();
  const points = new Map<string, number>();
  const events = forEachPage<Row>(dbPath, 'position, stream_name, data', (rows) => {
    for (const row of rows) {
      const data = JSON.parse(row.data) as { points?: unknown };
      if (typeof data.points === 'number')
        points.set(row.stream_name, (points.get(row.stream_name) ?? 0) + data.points);
    }
  });
  return { events, streams: points.size, loopSeconds: (performance.now() - startedAt) / 1000 };
});
