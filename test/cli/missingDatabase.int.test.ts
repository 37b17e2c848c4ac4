import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { exportCommand, importCommand, type BulkCommandSettings } from '../../src/cli/bulkCommands';
import { defaultCalendarPath } from '../../src/ledger/calendarLoader';
import { defaultSchemePath } from '../../src/ledger/schemeLoader';
import { openCredentials, openLedgerService } from '../../src/service';
import { fixedClock, temporaryFolder } from '../support/ledgerService';

let folder: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.remove());

const mistyped = () => join(folder.path, 'ledgr.db');
const settings = (): BulkCommandSettings => ({
  dbPath: mistyped(),
  schemePath: defaultSchemePath(),
  calendarPath: defaultCalendarPath(),
  clock: fixedClock(),
  stderr: new PassThrough(),
});

describe('a command on an existing ledger, given a path with no database', () => {
  it('export refuses it, creating neither the database nor the file', async () => {
    const file = join(folder.path, 'city.jsonl');
    await expect(exportCommand(file, settings())).rejects.toThrow(/^no ledger database at .*ledgr\.db \(LEDGER_DB\)$/);
    expect([existsSync(mistyped()), existsSync(file)]).toEqual([false, false]);
  });

  it('verify, replay, rebuild and the others refuse it, creating nothing', async () => {
    const opening = openLedgerService({
      dbPath: mistyped(),
      schemePath: defaultSchemePath(),
      clock: fixedClock(),
      logger: pino({ level: 'silent' }),
      publishScheme: false,
      createDatabase: false,
    });
    await expect(opening).rejects.toThrow(/^no ledger database at .*ledgr\.db/);
    expect(existsSync(mistyped())).toBe(false);
  });

  it('token and api-key refuse it, minting nothing the ledger serving would refuse', () => {
    expect(() => openCredentials({ dbPath: mistyped(), clock: fixedClock() })).toThrow(/^no ledger database at /);
    expect(existsSync(mistyped())).toBe(false);
  });

  it('import of a file that is not there creates no database', async () => {
    await expect(importCommand(join(folder.path, 'missing.jsonl'), settings())).rejects.toThrow(/ENOENT/);
    expect(existsSync(mistyped())).toBe(false);
  });
});
