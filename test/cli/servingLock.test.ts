import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markServing, refuseWhileServed } from '../../src/cli/servingLock';
import { temporaryFolder } from '../support/ledgerService';

let folder: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.remove());

const dbPath = () => join(folder.path, 'ledger.db');
/** A process id no process holds any longer: a child's, once it has exited. */
const exitedPid = () => spawnSync(process.execPath, ['-e', '']).pid as number;

describe('a served database', () => {
  it('refuses a rebuild while a live serve marks it, naming the process and the mark', () => {
    writeFileSync(`${dbPath()}.serving`, `${process.ppid}\n`);
    expect(() => refuseWhileServed(dbPath(), 'rebuilding the projections')).toThrow(
      `ledger serve (process ${process.ppid}) uses ${dbPath()}: stop it before rebuilding the projections`,
    );
  });

  it('refuses a second serve while a live one marks it', () => {
    writeFileSync(`${dbPath()}.serving`, `${process.ppid}\n`);
    expect(() => markServing(dbPath())).toThrow(/stop it before serving it again/);
  });

  it('takes over a mark left by a serve that died', () => {
    writeFileSync(`${dbPath()}.serving`, `${exitedPid()}\n`);
    expect(() => refuseWhileServed(dbPath(), 'rebuilding the projections')).not.toThrow();
    markServing(dbPath()).release();
  });

  it('is marked while served and no longer once released', () => {
    const serving = markServing(dbPath());
    expect(existsSync(`${dbPath()}.serving`)).toBe(true);
    serving.release();
    expect(existsSync(`${dbPath()}.serving`)).toBe(false);
    expect(() => refuseWhileServed(dbPath(), 'rebuilding the projections')).not.toThrow();
  });
});
