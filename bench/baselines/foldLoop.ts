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

type Row = [position: number, streamName: string, data: string];

runScriptMain(async (): Promise<FoldLoopResult> => {
  const dbPath = process.argv[2] as string;
  const startedAt = performance.now();
  const points = new Map<string, number>();
  const events = forEachPage<Row>(dbPath, 'position, stream_name, data', (rows) => {
    for (const [, streamName, dataJson] of rows) {
      const data = JSON.parse(dataJson) as { points?: unknown };
      if (typeof data.points === 'number') points.set(streamName, (points.get(streamName) ?? 0) + data.points);
    }
  });
  return { events, streams: points.size, loopSeconds: (performance.now() - startedAt) / 1000 };
});
