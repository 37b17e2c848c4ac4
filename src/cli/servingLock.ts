import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The mark `serve` leaves beside its database while it runs: `<LEDGER_DB>.serving`, holding its process id. A second
 * `serve`, and the commands that fold the projections in a process of their own (`rebuild`, `tick`), refuse to run
 * while the process it names is alive: two runners folding the same read models, or a rebuild emptying them under a
 * serving ledger, gave wrong answers (a blacklisted subject not restricted, an entry counted twice) and made the
 * serving one fail with "database is locked". A mark left by a process that died is taken over.
 */

const markOf = (dbPath: string): string => `${dbPath}.serving`;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The live process, other than this one, that serves the database, if any. */
const servingPid = (dbPath: string): number | undefined => {
  let text: string;
  try {
    text = readFileSync(markOf(dbPath), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
};

/** Throws when a live `serve` uses the database: `command` must wait until it has stopped. */
export const refuseWhileServed = (dbPath: string, command: string): void => {
  if (dbPath === ':memory:') return;
  const pid = servingPid(dbPath);
  if (pid !== undefined) {
    throw new Error(
      `ledger serve (process ${pid}) uses ${dbPath}: stop it before ${command} ` +
        `(or, if no such process serves it, remove ${markOf(dbPath)})`,
    );
  }
};

/** Marks the database as served by this process until release(); refuses one a live `serve` already marks. */
export const markServing = (dbPath: string): { release(): void } => {
  if (dbPath === ':memory:') return { release: () => undefined };
  refuseWhileServed(dbPath, 'serving it again');
  writeFileSync(markOf(dbPath), `${process.pid}\n`);
  return {
    release() {
      if (servingPid(dbPath) === undefined) rmSync(markOf(dbPath), { force: true });
    },
  };
};
