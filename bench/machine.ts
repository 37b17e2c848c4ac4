import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { repositoryRoot } from './paths';

/** The machine and versions a run measured on, for the results (no paths, no host names). */

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  sqlite: string;
  /** The commit the bench ran on, and whether the work tree had changes on top of it. */
  commit: string | null;
  uncommittedChanges: boolean | null;
}

const git = (args: readonly string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd: repositoryRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
};

const sqliteVersion = (): string => {
  const db = new BetterSqlite3(':memory:');
  try {
    return String(db.prepare('SELECT sqlite_version()').pluck().get());
  } finally {
    db.close();
  }
};

export const describeMachine = (): Machine => {
  // Untracked files left out: the bench's own results of earlier runs are files git does not track yet.
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    sqlite: sqliteVersion(),
    commit: git(['rev-parse', 'HEAD'])?.trim() ?? null,
    uncommittedChanges: status === null ? null : status.trim() !== '',
  };
};

export const machineLine = (machine: Machine): string =>
  `${machine.cpuModel}, ${machine.cores} cores, ${Math.round(machine.memoryBytes / 2 ** 30)} GiB, Node ${machine.node}, ` +
  `SQLite ${machine.sqlite}, commit ${machine.commit?.slice(0, 7) ?? 'unknown'}` +
  (machine.uncommittedChanges ? ' (with uncommitted changes)' : '');
