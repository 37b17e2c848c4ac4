import { runToCompletion } from './childProcesses';
import { benchScriptPath } from './paths';

/**
 * A compiled bench script (a baseline loop, the load generator) run in a process of its own, as the ledger's
 * commands are: it prints one JSON line at the end, its result.
 */

export interface ScriptResult<T> {
  result: T;
  /** From spawning the process to its exit. */
  seconds: number;
}

export const runBenchScript = async <T>(
  relativePath: string,
  args: readonly string[],
  extraEnvironment: NodeJS.ProcessEnv = {},
): Promise<ScriptResult<T>> => {
  const { stdout, seconds } = await runToCompletion(process.execPath, [benchScriptPath(relativePath), ...args], {
    ...process.env,
    ...extraEnvironment,
  });
  return { result: JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T, seconds };
};

/** Ends a script: prints its result as one JSON line, or its error on stderr with exit code 1. */
export const runScriptMain = <T>(main: () => Promise<T>): void => {
  main().then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
};
