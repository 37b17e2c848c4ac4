#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { clockOf, readConfig } from '../config';
import { verifyCheckpoint, type SignedCheckpoint } from '../events/integrity/checkpoint';
import { verifyStoredLog } from '../events/integrity/logAudit';
import { subjectStream } from '../events/ledgerEvents';
import { subjectAsOf } from '../ledger/replay';
import { scoreAt } from '../ledger/score';
import { openLedgerService } from '../service';
import { roles, type Role } from '../api/auth/permissions';
import { tokenLifetimeSecondsMax } from '../api/auth/tokens';
import { openCredentials } from '../service';
import { credentialsFile, issueDemoCredentials } from './demoCredentials';
import { elapsed, progressBar } from './progress';
import { seedDemoData } from './demoData';
import { bulkSettingsFrom, exportCommand, importCommand, seedCommand, wholeNumber } from './bulkCommands';
import { openReportSources, type ReportSources } from '../reports/reportSources';
import { runFairness, runWhatIf } from '../reports/reportRuns';
import { fairnessText, whatIfText } from '../reports/reportText';

/**
 * The operator's command line. Configuration comes from the environment (see the README); options given
 * here override it.
 */

const startupCatchUpMs = 60_000;
/** How often a progress bar is redrawn while the work runs elsewhere (the projection runner). */
const progressRefreshMs = 250;
const progressEveryEvents = 10_000;
const shutdownGraceMs = 10_000;

const program = new Command().name('ledger').description('The credit ledger: serve the API, and operate the store');

program
  .command('serve')
  .description('serve the HTTP API on the configured store (PORT, LEDGER_DB, LEDGER_SCHEME)')
  .option('-p, --port <port>', 'port to listen on (default PORT or 3000)')
  .action(async (options: { port?: string }) => {
    const config = readConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
    const logger = pino({ level: config.logLevel });
    const clock = clockOf(config);
    if (config.clockStart) logger.warn({ clockStart: config.clockStart }, 'rehearsal clock: not for production');
    const service = await openLedgerService({
      ...config,
      clock,
      logger,
      onProjectionFailure: (error) => {
        logger.fatal({ err: error }, 'projections failed; stopping rather than serving stale reads');
        process.exit(1);
      },
    });
    if (config.demoData) {
      const subjects = await seedDemoData(service.ledger, service.directory);
      logger.info({ subjects }, 'demo data present (set LEDGER_DEMO=0 to start without it)');
      if (service.mintToken) {
        const credentials = await issueDemoCredentials(service.mintToken, service.apiKeys, clock());
        process.stdout.write(`\nDemo credentials (valid 7 days; new ones at every start):\n`);
        for (const { label, header } of credentials) process.stdout.write(`  ${label}:\n    -H '${header}'\n`);
        if (config.dbPath !== ':memory:') {
          const file = join(dirname(config.dbPath), 'demo-credentials.env');
          writeFileSync(file, credentialsFile(credentials), { mode: 0o600 });
          process.stdout.write(`In a shell: source ${file}; curl -H "$AUDITOR" ...\n`);
        }
        process.stdout.write('\n');
      }
    }
    await service.runner.catchUp(startupCatchUpMs);
    // Catch up on deadlines that fell due while the service was down, then keep checking.
    await service.scheduler.tick();
    service.scheduler.start(config.schedulerIntervalSeconds * 1000);
    const server = service.app.listen(config.port, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      logger.info({ db: config.dbPath, scheme: service.schemes.versions.at(-1)?.version }, 'ledger ready');
      process.stdout.write(`Credit ledger listening on http://localhost:${port}\n`);
    });
    const shutdown = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      setTimeout(() => process.exit(1), shutdownGraceMs).unref();
      server.close(() => {
        void service.close().then(() => process.exit(0));
      });
      server.closeIdleConnections();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });

program
  .command('rebuild')
  .description('rebuild every projection from the whole log, then exit')
  .action(async () => {
    const config = readConfig();
    const logger = pino({ level: config.logLevel });
    const service = await openLedgerService({ ...config, clock: clockOf(config), logger });
    await service.runner.stop();
    service.runner.reset();
    const startedAtMs = Date.now();
    const head = Number(await service.store.headPosition());
    const bar = progressBar(
      process.stderr,
      'rebuilding {bar} {percentage}% | position {value}/{total} | eta {eta_formatted}',
      head,
    );
    const showing = setInterval(() => bar.update(Number(service.runner.position())), progressRefreshMs).unref();
    service.runner.start();
    const caughtUp = await service.runner.catchUp(24 * 60 * 60 * 1000);
    clearInterval(showing);
    bar.update(head);
    bar.stop();
    process.stdout.write(`rebuilt projections up to position ${service.runner.position()}\n`);
    process.stderr.write(`rebuilt in ${elapsed(head, startedAtMs, Date.now())}\n`);
    await service.close();
    process.exitCode = caughtUp ? 0 : 1;
  });

program
  .command('tick')
  .description('turn every deadline due now into its event (expiries, missed objection deadlines), then exit')
  .action(async () => {
    const config = readConfig();
    const service = await openLedgerService({
      ...config,
      clock: clockOf(config),
      logger: pino({ level: config.logLevel }),
    });
    await service.runner.catchUp(startupCatchUpMs);
    const acted = await service.scheduler.tick();
    process.stdout.write(`${acted} deadlines acted on\n`);
    await service.close();
  });

program
  .command('replay')
  .description("a subject's score, grade and explanation as of an instant, folded from the store")
  .requiredOption('--subject <id>', 'the subject')
  .requiredOption('--as-of <instant>', 'an ISO date-time, e.g. 2026-04-15T00:00:00+08:00')
  .option(
    '--view <view>',
    'known (what the ledger showed then) or corrected (with the corrections made since)',
    'corrected',
  )
  .action(async (options: { subject: string; asOf: string; view: string }) => {
    const at = new Date(options.asOf);
    if (Number.isNaN(at.getTime())) throw new Error(`--as-of must be an ISO date-time, not ${options.asOf}`);
    if (options.view !== 'known' && options.view !== 'corrected') throw new Error('--view is known or corrected');
    const config = readConfig();
    const service = await openLedgerService({ ...config, clock: clockOf(config), logger: pino({ level: 'warn' }) });
    try {
      const replayed = subjectAsOf(await service.store.readStream(subjectStream(options.subject)), options.view, at);
      if (!replayed) throw new Error(`subject ${options.subject} was not registered by ${at.toISOString()}`);
      const score = scoreAt(service.schemes.forReading(at), replayed.baseline, replayed.entries, at);
      process.stdout.write(
        `${JSON.stringify({ subjectId: options.subject, asOf: at.toISOString(), view: options.view, ...score }, null, 2)}\n`,
      );
    } finally {
      await service.close();
    }
  });

/** Opens the configured store for a report (it appends nothing), and closes it whatever happens. */
const withReportSources = async (use: (sources: ReportSources) => Promise<string>): Promise<void> => {
  const sources = await openReportSources(readConfig());
  try {
    process.stdout.write(`${await use(sources)}\n`);
  } finally {
    await sources.close();
  }
};

const instantOption = (text: string): Date => {
  const instant = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(instant.getTime())) {
    throw new Error(`--at must be an ISO date-time such as 2027-01-05T09:00:00+08:00, not ${text}`);
  }
  return instant;
};

program
  .command('whatif')
  .description(
    'replay every subject under a proposed change to the scheme and count who would change grade; writes nothing',
  )
  .requiredOption(
    '--scheme <file>',
    'the proposed change: JSON naming rules, gradeBands or effectMonths to change (see src/reports/schemeChange.ts)',
  )
  .option('--at <instant>', 'compare grades at this ISO instant (default now)')
  .option('--json', 'print the whole result as JSON')
  .action(async (options: { scheme: string; at?: string; json?: boolean }) => {
    const at = options.at ? instantOption(options.at) : clockOf(readConfig())();
    await withReportSources(async (sources) => {
      const result = await runWhatIf(sources, { changeFile: options.scheme, at });
      return options.json ? JSON.stringify(result, null, 2) : whatIfText(result);
    });
  });

program
  .command('fairness')
  .description(
    'deductions and additions by recorder, sector and authority, unusual reversal rates, donation share; writes nothing',
  )
  .option('--json', 'print the whole report as JSON')
  .action(async (options: { json?: boolean }) => {
    await withReportSources(async (sources) => {
      const report = await runFairness(sources);
      return options.json ? JSON.stringify(report, null, 2) : fairnessText(report);
    });
  });

program
  .command('checkpoint')
  .description('issue a signed checkpoint of the whole log (tree size, RFC 9162 root, time, signature)')
  .option('--out <file>', "also write it to this file: keep a copy outside the operator's reach")
  .action(async (options: { out?: string }) => {
    const config = readConfig();
    const service = await openLedgerService({ ...config, clock: clockOf(config), logger: pino({ level: 'warn' }) });
    try {
      const checkpoint = await service.issueCheckpoint();
      const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
      if (options.out) writeFileSync(options.out, text);
      process.stdout.write(text);
    } finally {
      await service.close();
    }
  });

program
  .command('verify')
  .description(
    "check every link of every stream's hash chain, and the log against a checkpoint; exit 1 naming the first bad position",
  )
  .option('--checkpoint <file>', 'a checkpoint saved elsewhere (default: the latest the ledger issued)')
  .action(async (options: { checkpoint?: string }) => {
    const config = readConfig();
    const service = await openLedgerService({ ...config, clock: clockOf(config), logger: pino({ level: 'warn' }) });
    try {
      const checkpoint = options.checkpoint
        ? (JSON.parse(readFileSync(options.checkpoint, 'utf8')) as SignedCheckpoint)
        : service.latestCheckpoint();
      if (checkpoint && !verifyCheckpoint(checkpoint, service.checkpointPublicKey)) {
        throw new Error("the checkpoint's signature does not verify with the ledger's checkpoint key");
      }
      const head = Number(await service.store.headPosition());
      const bar = progressBar(
        process.stderr,
        'verifying {bar} {percentage}% | position {value}/{total} | eta {eta_formatted}',
        head,
      );
      let seen = 0;
      const verdict = await verifyStoredLog(service.store, checkpoint, (position) => {
        seen += 1;
        if (seen % progressEveryEvents === 0) bar.update(Number(position));
      });
      bar.stop();
      process.stdout.write(`${JSON.stringify(verdict)}\n`);
      process.exitCode = verdict.ok ? 0 : 1;
    } finally {
      await service.close();
    }
  });

program
  .command('seed')
  .description(
    "write a synthetic city through the ledger's own rules: residents, organisations and years of entries, " +
      'approvals, objections and listings; deterministic for a seed, and a rerun writes nothing new',
  )
  .option('--residents <n>', 'residents (persons of age)', wholeNumber(0), 740_000)
  .option('--organisations <n>', 'organisations', wholeNumber(0), 3_000)
  .option('--years <n>', 'years of history before now', wholeNumber(1), 5)
  .option('--seed <seed>', 'the seed: the same seed, sizes and day give the same city', '1')
  .option('--as-of <date>', "the day the history ends, at its start: to resume an earlier day's seed (default today)")
  .action(async (options: { residents: number; organisations: number; years: number; seed: string; asOf?: string }) => {
    await seedCommand(options, bulkSettingsFrom(readConfig()));
  });

program
  .command('export <file>')
  .description('write the whole log as JSON Lines, one event a line, to a file or to stdout (-)')
  .action(async (file: string) => {
    await exportCommand(file, bulkSettingsFrom(readConfig()));
  });

program
  .command('import <file>')
  .description('append the events of an export at their revisions; a rerun or a resumed import writes nothing twice')
  .action(async (file: string) => {
    await importCommand(file, bulkSettingsFrom(readConfig()));
  });

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const withCredentials = async <T>(
  use: (credentials: ReturnType<typeof openCredentials>) => T | Promise<T>,
): Promise<T> => {
  const config = readConfig();
  const credentials = openCredentials({ ...config, clock: clockOf(config) });
  try {
    return await use(credentials);
  } finally {
    credentials.close();
  }
};

program
  .command('token')
  .description("mint a token with the ledger's own key, for a person acting in a role")
  .requiredOption('--subject <id>', 'who the token is for (its sub claim)')
  .requiredOption(
    '--role <role>',
    `a role, repeatable: ${roles.filter((role) => role !== 'consumer').join(', ')}`,
    collect,
    [],
  )
  .option('--subject-id <id>', "a resident's own subject id")
  .option('--authority <code>', "a recorder's authority, e.g. traffic-police")
  .option('--hours <hours>', 'lifetime in hours', '8')
  .action(
    async (options: { subject: string; role: string[]; subjectId?: string; authority?: string; hours: string }) => {
      const unknown = options.role.filter((role) => !(roles as readonly string[]).includes(role));
      if (unknown.length > 0) throw new Error(`unknown role ${unknown.join(', ')}; roles are ${roles.join(', ')}`);
      const lifetimeSeconds = Math.round(Number(options.hours) * 3600);
      if (!(lifetimeSeconds >= 1 && lifetimeSeconds <= tokenLifetimeSecondsMax)) {
        throw new Error(`--hours must be from 1 second to ${tokenLifetimeSecondsMax / 3600} hours`);
      }
      await withCredentials(async ({ mintToken }) => {
        if (!mintToken) throw new Error('LEDGER_JWT_PUBLIC_KEY_FILE is set: tokens come from the identity provider');
        const token = await mintToken({
          subject: options.subject,
          roles: options.role as Role[],
          ...(options.subjectId ? { subjectId: options.subjectId } : {}),
          ...(options.authority ? { authority: options.authority } : {}),
          lifetimeSeconds,
        });
        process.stdout.write(`${token}\n`);
      });
    },
  );

const apiKey = program.command('api-key').description("manage consumers' API keys");

apiKey
  .command('create')
  .description('create a key bound to the restrictions and perks a consumer may ask about; it is shown once')
  .requiredOption('--consumer <name>', 'who the key is for, e.g. "rail ticketing"')
  .option('--measure <code>', 'a restriction it may ask about, repeatable (e.g. NO_G_TRAIN)', collect, [])
  .option('--perk <code>', 'a perk it may ask about, repeatable (e.g. HEATING_DISCOUNT)', collect, [])
  .action(async (options: { consumer: string; measure: string[]; perk: string[] }) => {
    if (options.measure.length + options.perk.length === 0) throw new Error('name at least one --measure or --perk');
    await withCredentials(({ apiKeys, clock }) => {
      const { id, key } = apiKeys.create(
        { consumer: options.consumer, measures: options.measure, perks: options.perk },
        clock(),
      );
      process.stdout.write(`id ${id}\nkey ${key}\n(the key is not stored and cannot be shown again)\n`);
    });
  });

apiKey
  .command('revoke <id>')
  .description('revoke a key: requests with it are refused from now on')
  .action(async (id: string) => {
    await withCredentials(({ apiKeys, clock }) => {
      if (!apiKeys.revoke(id, clock())) throw new Error(`no unrevoked key ${id}`);
      process.stdout.write(`revoked ${id}\n`);
    });
  });

apiKey
  .command('list')
  .description('list the keys, without their secrets')
  .action(async () => {
    await withCredentials(({ apiKeys }) => {
      for (const key of apiKeys.list()) {
        const grants = [...key.measures, ...key.perks].join(',');
        process.stdout.write(`${key.id}  ${key.revokedAt ? 'revoked' : 'active '}  ${key.consumer}  ${grants}\n`);
      }
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`ledger: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
