import { openLedgerDatabase } from '../../src/events/adapters/sqliteDatabase';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { exportCommand, importCommand, seedCommand, type BulkCommandSettings } from '../../src/cli/bulkCommands';
import { openBulkStore } from '../../src/cli/bulkStore';
import { defaultCalendarPath } from '../../src/ledger/calendarLoader';
import { defaultSchemePath } from '../../src/ledger/schemeLoader';
import { projectRoot } from '../../src/projectRoot';
import { fixedClock, temporaryFolder, testNow } from '../support/ledgerService';
import { streamsOf, wholeLog } from '../support/seededCity';

/** stderr as a pipe, not a terminal: no progress bar is drawn, the summary line is all it gets. */
const capturedStderr = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
};

let folder: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.remove());

const settingsFor = (dbName: string, stderr: PassThrough): BulkCommandSettings => ({
  dbPath: join(folder.path, dbName),
  schemePath: defaultSchemePath(),
  calendarPath: defaultCalendarPath(),
  clock: fixedClock(),
  stderr,
});

const streamsIn = async (dbPath: string) => {
  const bulk = await openBulkStore({ dbPath, clock: fixedClock() });
  try {
    return streamsOf(await wholeLog(bulk.store));
  } finally {
    await bulk.close();
  }
};

describe('the bulk commands, in process', () => {
  it('seed, export and import a city, each ending with a one-line summary and no control characters', async () => {
    const stderr = capturedStderr();
    const source = settingsFor('source.db', stderr.stream);
    const file = join(folder.path, 'city.jsonl');
    const seeded = await seedCommand({ residents: 80, organisations: 3, years: 5, seed: '42' }, source);
    const exported = await exportCommand(file, source);
    const imported = await importCommand(file, settingsFor('target.db', stderr.stream));

    expect(exported.events).toBe(seeded.eventsWritten + 1);
    expect(imported).toEqual({ lines: exported.events, eventsWritten: exported.events, eventsAlreadyStored: 0 });
    expect(await streamsIn(join(folder.path, 'target.db'))).toEqual(await streamsIn(source.dbPath));
    const lines = stderr.text().trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^seeded 80 residents and 3 organisations \(seed 42, 5 years to 2026-11-26\): [\d,]+ events written, 0 already stored; refused by the rules: .*; [\d.]+ s, [\d,]+ events\/s$/,
      ),
      expect.stringMatching(
        /^exported [\d,]+ events up to position \d{20} to .*city\.jsonl; [\d.]+ s, [\d,]+ events\/s$/,
      ),
      expect.stringMatching(/^imported [\d,]+ lines from .*city\.jsonl: [\d,]+ events written, 0 already stored; /),
    ]);
    expect(stderr.text()).not.toMatch(/\u001b/);
  });

  it('exports to stdout with -, leaving no file behind', async () => {
    const stderr = capturedStderr();
    const settings = settingsFor('ledger.db', stderr.stream);
    await seedCommand({ residents: 5, organisations: 0, years: 1, seed: '1' }, settings);
    const stdout = capturedStderr();
    const summary = await exportCommand('-', settings, stdout.stream);
    expect(stdout.text().trimEnd().split('\n')).toHaveLength(summary.events);
    expect(stderr.text()).toMatch(/to stdout;/);
    expect(readdirSync(folder.path).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

describe('the built CLI', () => {
  const root = projectRoot();
  const cli = join(root, 'dist', 'src', 'cli', 'main.js');
  const newestSource = (path: string): number =>
    statSync(path).isDirectory()
      ? Math.max(0, ...readdirSync(path).map((name) => newestSource(join(path, name))))
      : statSync(path).mtimeMs;

  beforeAll(() => {
    // Built when missing or older than the sources, so that the CLI spawned is the code under test. Type errors
    // are the typecheck's to report: tsc emits regardless.
    if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource(join(root, 'src'))) {
      spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
    }
  }, 60_000);

  /**
   * The built CLI on a database in the temporary folder, its clock started at `clockStart`, and with nothing of the
   * caller's environment: an ESDB_CONNECTION_STRING or LEDGER_* variable of the shell running the tests would change
   * what it does.
   */
  const cliOn =
    (dbName: string, clockStart = testNow) =>
    (...args: string[]) =>
      promisify(execFile)(process.execPath, [cli, ...args], {
        cwd: folder.path,
        env: {
          PATH: process.env.PATH,
          LEDGER_DB: join(folder.path, dbName),
          LEDGER_CLOCK_START: clockStart.toISOString(),
          LOG_LEVEL: 'silent',
        },
      });

  it('seeds, exports and imports on the configured stores, exiting 0', async () => {
    const source = cliOn('source.db');
    const seeded = await source('seed', '--residents', '20', '--organisations', '1', '--seed', 'spawned');
    expect(seeded.stderr).toMatch(/^seeded 20 residents and 1 organisations \(seed spawned, 5 years to 2026-11-26\)/);
    await source('export', 'city.jsonl');
    const imported = await cliOn('target.db')('import', 'city.jsonl');
    const lines = readFileSync(join(folder.path, 'city.jsonl'), 'utf8').trimEnd().split('\n').length;
    expect(imported.stderr).toMatch(new RegExp(`^imported ${lines} lines from city\\.jsonl: ${lines} events written`));
    expect(imported.stdout).toBe('');
  });
  it('runs every operator command end to end on a temporary store', async () => {
    const run = cliOn('ops.db');
    const fails = (...args: string[]) =>
      run(...args).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

    // Seeded an hour before the tests' instant, so that the reads as of that instant find it recorded.
    const seededAt = new Date(testNow.getTime() - 3_600_000);
    await cliOn('ops.db', seededAt)('seed', '--residents', '12', '--organisations', '1', '--seed', 'operator');
    expect((await run('rebuild')).stdout).toMatch(/^rebuilt projections up to position \d{20}/);
    expect((await run('tick')).stdout).toMatch(
      /^\d+ acted on: entries expired \d+, objections reversed for a missed deadline \d+, /,
    );

    const issued = JSON.parse((await run('checkpoint', '--out', 'checkpoint.json')).stdout);
    expect(JSON.parse(readFileSync(join(folder.path, 'checkpoint.json'), 'utf8'))).toEqual(issued);
    const againstFile = await run('verify', '--checkpoint', 'checkpoint.json');
    expect(JSON.parse(againstFile.stdout)).toMatchObject({ ok: true });
    expect(againstFile.stderr).not.toContain('note:');
    expect((await run('verify')).stderr).toContain("note: checked against the ledger's own latest checkpoint");

    const replayed = JSON.parse(
      (await run('replay', '--subject', 'r-000001', '--as-of', testNow.toISOString(), '--view', 'known')).stdout,
    );
    expect(replayed).toMatchObject({ subjectId: 'r-000001', view: 'known' });
    const logged = openLedgerDatabase(join(folder.path, 'ops.db'));
    const accessRecords = (
      logged.prepare("SELECT data FROM events WHERE type = 'RecordsAccessed'").all() as { data: string }[]
    ).flatMap((row) => (JSON.parse(row.data) as { records: unknown[] }).records);
    logged.close();
    expect(accessRecords).toContainEqual(
      expect.objectContaining({
        subjectId: 'r-000001',
        viewerRoles: ['operator'],
        purpose: 'operations',
        what: 'replay',
      }),
    );
    expect(typeof replayed.score).toBe('number');
    // A year alone is a Date, but not an instant an auditor means.
    const yearAlone = await fails('replay', '--subject', 'r-000001', '--as-of', '2026');
    expect(yearAlone?.stderr).toContain('--as-of must be an ISO date-time such as 2027-01-05T09:00:00+08:00, not 2026');

    writeFileSync(join(folder.path, 'change.json'), JSON.stringify({ rules: { 'TRF-TICKET': { points: -1 } } }));
    const at = testNow.toISOString();
    const whatIf = JSON.parse((await run('whatif', '--scheme', 'change.json', '--at', at, '--json')).stdout);
    expect(whatIf).toHaveProperty('transitions');
    const replayedWhatIf = await run('replay', '--what-if', 'change.json', '--as-of', at, '--json');
    expect(JSON.parse(replayedWhatIf.stdout)).toEqual(whatIf);
    const badInstant = await fails('replay', '--what-if', 'change.json', '--as-of', 'yesterday');
    expect(badInstant?.stderr).toContain('--as-of must be an ISO date-time');
    expect((await fails('whatif', '--scheme', 'change.json', '--at', 'yesterday'))?.stderr).toContain(
      '--at must be an ISO date-time',
    );
    expect(JSON.parse((await run('fairness', '--json')).stdout)).toHaveProperty('byRecorder');

    expect((await run('token', '--subject', 'auditor-chen', '--role', 'auditor')).stdout).toMatch(
      /^[\w-]+\.[\w-]+\.[\w-]+\n$/,
    );
    expect((await fails('api-key', 'create', '--consumer', 'rail', '--measure', 'NO_GTRAIN'))?.stderr).toContain(
      'no restriction NO_GTRAIN; the restrictions are',
    );
    expect((await fails('api-key', 'create', '--consumer', 'x', '--perk', 'FREE_BEER'))?.stderr).toContain(
      'no perk FREE_BEER in the scheme',
    );
    const created = (await run('api-key', 'create', '--consumer', 'rail', '--measure', 'NO_G_TRAIN')).stdout;
    const id = /^id ([0-9a-f]{16})$/m.exec(created)?.[1] as string;
    expect((await run('api-key', 'list')).stdout).toContain(`${id}  active`);
    await run('api-key', 'revoke', id);
    expect((await run('api-key', 'list')).stdout).toContain(`${id}  revoked`);

    const db = openLedgerDatabase(join(folder.path, 'ops.db'));
    db.prepare("UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = 3").run();
    db.close();
    const tampered = await fails('verify', '--checkpoint', 'checkpoint.json');
    expect(tampered?.code).toBe(1);
    expect(JSON.parse(tampered?.stdout ?? '{}')).toMatchObject({
      ok: false,
      reason: 'hash-mismatch',
      position: '00000000000000000003',
    });
  }, 120_000);
});
