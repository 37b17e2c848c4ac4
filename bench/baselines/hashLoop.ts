import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { runScriptMain } from '../benchScript';
import { forEachPage } from './pagedRead';

/**
 * The verify baseline: SHA-256 over the stored bytes of every event of the database given as the argument
 * (each row's columns joined), in a bare loop.
 */

export interface HashLoopResult {
  events: number;
  loopSeconds: number;
}

const columns = 'position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash';

runScriptMain(async (): Promise<HashLoopResult> => {
  const dbPath = process.argv[2] as string;
  const startedAt = performance.now();
  const events = forEachPage<[position: number, ...rest: unknown[]]>(dbPath, columns, (rows) => {
    for (const row of rows) createHash('sha256').update(row.join('\n')).digest();
  });
  return { events, loopSeconds: (performance.now() - startedAt) / 1000 };
});
