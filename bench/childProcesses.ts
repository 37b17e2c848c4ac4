import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';

/**
 * Every process the bench starts (ledger commands, servers, baselines, load generators) goes through here, so
 * that each is stopped by its own pid when its step ends, and all that are still running are stopped when the
 * bench ends or is interrupted.
 */

/** A stopped process gets this long to exit after SIGTERM (the ledger writes its pending access records) before SIGKILL. */
const stopGraceMs = 15_000;
/** The tail of a failed command's output (stdout, then stderr) that its error message quotes. */
export const outputTailChars = 2_000;

const running = new Set<ChildProcess>();
/** Set once the bench is stopping: from then on nothing new starts that could outlive it. */
let stoppingAll = false;

export const spawnTracked = (command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess => {
  if (stoppingAll) throw new Error('the bench is stopping: no new process is started');
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
};

export const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

export const stopChild = async (child: ChildProcess): Promise<void> => {
  if (hasExited(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
  await exited;
  clearTimeout(forced);
};

export const stopAllChildren = async (): Promise<void> => {
  stoppingAll = true;
  await Promise.all([...running].map(stopChild));
};

/** The last resort when the bench exits abruptly: no time to wait for anything, so SIGKILL. */
export const killAllChildrenNow = (): void => {
  stoppingAll = true;
  for (const child of running) child.kill('SIGKILL');
};

export interface Completed {
  stdout: string;
  stderr: string;
  /** From spawning the process to its exit. */
  seconds: number;
}

/**
 * Runs a process to its end; a non-zero exit throws with the end of its output: stdout too, where commands such as
 * `verify` print their verdict.
 */
export const runToCompletion = async (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Completed> => {
  const startedAt = performance.now();
  const child = spawnTracked(command, args, env);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  const seconds = (performance.now() - startedAt) / 1000;
  const completed = { stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), seconds };
  if (code !== 0) {
    const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
    const output = `${completed.stdout}\n${completed.stderr}`.trim().slice(-outputTailChars);
    throw new Error(`${[command, ...args].join(' ')} ${how}: ${output}`);
  }
  return completed;
};
