import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimDatabase } from '../../src/cli/databaseClaim';
import { temporaryFolder } from '../support/ledgerService';

let folder: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.remove());

const dbPath = () => join(folder.path, 'data', 'ledger.db');
const mark = () => `${dbPath()}.running`;
/** A process id no process holds any longer: a child's, once it has exited. */
const exitedPid = () => spawnSync(process.execPath, ['-e', '']).pid as number;
/** The mark of a live process other than this one (the test runner's parent). */
const heldBy = (command: string) => {
  claimDatabase(dbPath(), 'setting up').release();
  writeFileSync(mark(), `${process.ppid} ${command}\n`);
};

describe('a database in use by serve, rebuild or tick', () => {
  it('refuses a rebuild while a live serve holds it, naming the process and the mark', () => {
    heldBy('serve');
    expect(() => claimDatabase(dbPath(), 'rebuild')).toThrow(
      `ledger serve (process ${process.ppid}) uses ${dbPath()}: stop it before rebuild (or, if no such process runs, remove ${mark()})`,
    );
  });

  it('refuses a serve while a live rebuild holds it', () => {
    heldBy('rebuild');
    expect(() => claimDatabase(dbPath(), 'serve')).toThrow(
      /^ledger rebuild \(process \d+\) uses .*: stop it before serve/,
    );
  });

  it('takes over a mark left by a process that died', () => {
    claimDatabase(dbPath(), 'setting up').release();
    writeFileSync(mark(), `${exitedPid()} serve\n`);
    expect(() => claimDatabase(dbPath(), 'rebuild').release()).not.toThrow();
  });

  it('is marked from the claim, before the database exists, until released', () => {
    const claim = claimDatabase(dbPath(), 'serve');
    expect([existsSync(mark()), existsSync(dbPath())]).toEqual([true, false]);
    claim.release();
    expect(existsSync(mark())).toBe(false);
  });
});
