import { performance } from 'node:perf_hooks';
import { hasExited, outputTailChars, spawnTracked, stopChild } from './childProcesses';
import { warmPageCache } from './databaseFiles';
import { formatQuantity } from './format';
import { ledgerCommand, ledgerEnvironment } from './ledgerCli';
import { benchScriptPath } from './paths';
import { step } from './stepLog';

/**
 * An HTTP server in a process of its own: `ledger serve`, or a baseline app. Each says where it listens with a
 * line on stdout ending in `listening on http://<host>:<port>` (the ledger's own start-up line), which is how the
 * bench learns the port it picked (PORT=0).
 */

export interface ServerProcess {
  pid: number;
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  /** performance.now() when the process was spawned. */
  spawnedAtMs: number;
  /** How the server ended, with the end of its output, if it has ended by itself; undefined while it runs. */
  endedEarly(): string | undefined;
  stop(): Promise<void>;
}

const listeningLine = /listening on http:\/\/[^\s:]+:(\d+)/;
/** A ledger on 10 million events catches its projections up before it listens (at most a minute, startup.ts). */
const listenTimeoutMs = 10 * 60_000;
const startServerProcess = async (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ServerProcess> => {
  const spawnedAtMs = performance.now();
  const child = spawnTracked(command, args, env);
  let stdoutTail = '';
  let stderrTail = '';
  // Both pipes are read to the end, so that a server that logs never blocks on a full pipe.
  child.stdout?.on('data', (chunk: Buffer) => {
    stdoutTail = (stdoutTail + chunk.toString()).slice(-outputTailChars);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-outputTailChars);
  });
  const output = (): string => stderrTail.trim() || stdoutTail.trim();
  let stopping = false;
  const stop = (): Promise<void> => {
    stopping = true;
    return stopChild(child);
  };
  const endedEarly = (): string | undefined => {
    if (stopping || !hasExited(child)) return undefined;
    return `${args.join(' ')} ended by itself (${child.signalCode ?? `exit code ${child.exitCode}`}): ${output()}`;
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line within ${listenTimeoutMs} ms`)),
      listenTimeoutMs,
    );
    const settle = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', lookForListening);
      child.off('exit', exited);
    };
    const lookForListening = (): void => {
      const match = listeningLine.exec(stdoutTail);
      if (!match) return;
      settle();
      resolve(Number(match[1]));
    };
    const exited = (code: number | null): void => {
      settle();
      reject(new Error(`${args.join(' ')} exited with ${code} before listening: ${output()}`));
    };
    child.stdout?.on('data', lookForListening);
    child.once('exit', exited);
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { pid: child.pid as number, url: `http://127.0.0.1:${port}`, spawnedAtMs, endedEarly, stop };
};

export const startLedgerServer = (dbPath: string): Promise<ServerProcess> =>
  startServerProcess(process.execPath, ledgerCommand(['serve']), ledgerEnvironment(dbPath));

/**
 * A ledger server for a figure measured under load: the database is read into the page cache first
 * (warmPageCache), so that the load meets the page cache of a server in use. Without it, a 10 M event city is
 * served from disk after the rebuild and verify figures have filled the cache with other files: about 5 ms a
 * read-model lookup, a tenth of the rate.
 */
export const startWarmedLedgerServer = (dbPath: string): Promise<ServerProcess> => {
  const startedAtMs = performance.now();
  const { bytes, btrees } = warmPageCache(dbPath);
  const seconds = (performance.now() - startedAtMs) / 1000;
  step(
    `  page cache warmed: ${formatQuantity(bytes / 1e9, 'GB')} read through, then ${btrees} tables and indexes, ` +
      `in ${formatQuantity(seconds, 's')}`,
  );
  return startLedgerServer(dbPath);
};

/** A baseline server: a compiled bench script, with its settings in the environment. */
export const startBaselineServer = (relativePath: string, settings: NodeJS.ProcessEnv): Promise<ServerProcess> =>
  startServerProcess(process.execPath, [benchScriptPath(relativePath)], { ...process.env, ...settings });

/**
 * Starts the servers, hands them to `use`, and stops every one of them whatever happens. A server that ended by
 * itself meanwhile (a crash) fails the figure with its own last words, rather than with the connection errors
 * it left behind.
 */
export const withServers = async <T>(
  starts: readonly (() => Promise<ServerProcess>)[],
  use: (servers: ServerProcess[]) => Promise<T>,
): Promise<T> => {
  const servers: ServerProcess[] = [];
  const crash = (): string | undefined => servers.map((server) => server.endedEarly()).find((report) => !!report);
  try {
    for (const start of starts) servers.push(await start());
    const result = await use(servers);
    const report = crash();
    if (report) throw new Error(report);
    return result;
  } catch (error) {
    const report = crash();
    throw report ? new Error(report) : error;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
};
