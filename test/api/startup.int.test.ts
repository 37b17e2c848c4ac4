import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { defaultSchemePath } from '../../src/ledger/schemeLoader';
import { openLedgerService } from '../../src/service';
import { fixedClock, temporaryFolder } from '../support/ledgerService';

const folder = temporaryFolder();
afterAll(() => folder.remove());

const open = (schemePath: string) =>
  openLedgerService({ dbPath: ':memory:', schemePath, clock: fixedClock(), logger: pino({ level: 'silent' }) });

const schemeWith = (name: string, change: (scheme: Record<string, unknown>) => void): string => {
  const scheme = JSON.parse(readFileSync(defaultSchemePath(), 'utf8')) as Record<string, unknown>;
  change(scheme);
  const path = join(folder.path, name);
  writeFileSync(path, JSON.stringify(scheme));
  return path;
};

describe('starting the service', () => {
  it('stops on a scheme file that breaks its schema, naming the field', async () => {
    const path = schemeWith('bad-points.json', (scheme) => {
      (scheme.catalogue as Record<string, unknown>[])[0]!.points = '-20';
    });
    await expect(open(path)).rejects.toThrow(`${path}: /catalogue/0/points: must be integer`);
  });

  it('stops on a scheme whose catalogue the linter refuses', async () => {
    const path = schemeWith('no-basis.json', (scheme) => {
      (scheme.catalogue as Record<string, unknown>[])[0]!.legalBasis = ' ';
    });
    await expect(open(path)).rejects.toThrow('/catalogue/0/legalBasis');
  });

  it('refuses a changed scheme published under a version already stored', async () => {
    const dbPath = join(folder.path, 'versions.db');
    const first = await openLedgerService({
      dbPath,
      schemePath: defaultSchemePath(),
      clock: fixedClock(),
      logger: pino({ level: 'silent' }),
    });
    await first.close();
    const changed = schemeWith('changed.json', (scheme) => {
      scheme.baseline = 900;
    });
    await expect(
      openLedgerService({ dbPath, schemePath: changed, clock: fixedClock(), logger: pino({ level: 'silent' }) }),
    ).rejects.toThrow(/published with other content/);
  });
});
