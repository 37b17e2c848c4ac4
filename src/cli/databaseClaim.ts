import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { inMemoryPath } from '../events/adapters/sqliteDatabase';

/**
 * The mark a command that folds the projections leaves beside the database while it runs (`serve`, `rebuild`,
 * `tick`): `<LEDGER_DB>.running`, holding its process id and name. Each refuses to start while another live process
 * holds the mark: two runners folding the same read models, or a rebuild emptying them under a serving ledger, gave
 * wrong answers (a blacklisted subject not restricted, an entry counted twice) and made the serving one fail with
 * "database is locked". A mark left by a process that died is taken over. It is claimed before the database is
 * opened, so that nothing has been folded by the time a command is refused.
 *
 * A process id says only so much: one reused by an unrelated process since a crash keeps the mark held (the refusal
 * names the file to remove), and processes in separate pid namespaces (containers sharing a volume) cannot see each
 * other's. The commands that only read the ledger (verify, replay, checkpoint, the reports) take no mark.
 */

const markOf = (dbPath: string): string => `${dbPath}.running`;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The live process, other than this one, that holds the mark, if any. */
const holderOf = (dbPath: string): { pid: number; command: string } | undefined => {
  let text: string;
  try {
    text = readFileSync(markOf(dbPath), 'utf8');
  } catch {
    return undefined;
  }
  const [pidText = '', ...command] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  return { pid, command: command.join(' ') || 'a ledger command' };
};

/**
 * Marks the database as used by this process (`command` names it in a refusal) until release(); throws when a live
 * `serve`, `rebuild` or `tick` holds it.
 */
export const claimDatabase = (dbPath: string, command: string): { release(): void } => {
  if (dbPath === inMemoryPath) return { release: () => undefined };
  const holder = holderOf(dbPath);
  if (holder) {
    throw new Error(
      `ledger ${holder.command} (process ${holder.pid}) uses ${dbPath}: stop it before ${command} ` +
        `(or, if no such process runs, remove ${markOf(dbPath)})`,
    );
  }
  mkdirSync(dirname(dbPath), { recursive: true });
  writeFileSync(markOf(dbPath), `${process.pid} ${command}\n`);
  return {
    release() {
      if (holderOf(dbPath) === undefined) rmSync(markOf(dbPath), { force: true });
    },
  };
};
