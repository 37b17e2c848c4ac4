import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { runScriptMain } from '../benchScript';
import { insertEventSql, openBaselineDatabase } from './baselineDatabase';

/**
 * The import baseline: reads the same JSON Lines export as `ledger import` (argument 1) and inserts its events
 * into a fresh database (argument 2) with a bare better-sqlite3 loop, a thousand rows per transaction, with the
 * ledger's table layout and durability (baselineDatabase.ts). No checks: the floor an import works above.
 */

export interface ImportLoopResult {
  events: number;
  loopSeconds: number;
}

/** Rows per transaction: the import's own commit size (src/cli/importLog.ts). */
const rowsPerTransaction = 1_000;

interface ExportLine {
  streamName: string;
  revision: string;
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  recordedAt: string;
  hash?: string;
}

runScriptMain(async (): Promise<ImportLoopResult> => {
  const [exportPath, dbPath] = process.argv.slice(2) as [string, string];
  const startedAt = performance.now();
  const db = openBaselineDatabase(dbPath);
  const insert = db.prepare(insertEventSql);
  const insertAll = db.transaction((lines: readonly ExportLine[]) => {
    for (const line of lines) {
      insert.run(
        line.streamName,
        Number(line.revision),
        line.id,
        line.type,
        JSON.stringify(line.data),
        JSON.stringify(line.metadata),
        line.recordedAt,
        line.hash ?? null,
      );
    }
  });
  let batch: ExportLine[] = [];
  let events = 0;
  for await (const text of createInterface({ input: createReadStream(exportPath), crlfDelay: Infinity })) {
    batch.push(JSON.parse(text) as ExportLine);
    if (batch.length === rowsPerTransaction) {
      insertAll(batch);
      events += batch.length;
      batch = [];
    }
  }
  insertAll(batch);
  events += batch.length;
  db.close();
  return { events, loopSeconds: (performance.now() - startedAt) / 1000 };
});
