import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { spawnTracked, stopChild } from './childProcesses';
import { ledgerCommand, ledgerEnvironment } from './ledgerCli';

/**
 * The start of a population's log as JSON Lines, from `ledger export -`: the export is read as it streams and
 * stopped once it has given `maxEvents` lines, so a 10-million-event log is never written out whole. Each
 * stream's events come in revision order, so any prefix of the log is an importable log of its own.
 */
export const exportLogPrefix = async (dbPath: string, maxEvents: number, targetPath: string): Promise<number> => {
  const child = spawnTracked(process.execPath, ledgerCommand(['export', '-']), ledgerEnvironment(dbPath));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  const output = createWriteStream(targetPath);
  let events = 0;
  try {
    for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Infinity })) {
      if (!output.write(`${line}\n`)) await once(output, 'drain');
      events += 1;
      if (events >= maxEvents) break;
    }
  } finally {
    output.end();
    await finished(output);
    await stopChild(child);
  }
  const [code] = (await exited) as [number | null];
  if (events < maxEvents && code !== 0) throw new Error(`export exited with ${code}: ${stderr.trim()}`);
  return events;
};
