#!/usr/bin/env node
import { Command } from 'commander';
import pino from 'pino';
import { readConfig } from '../config';
import { openLedgerService } from '../service';
import { seedDemoData } from './demoData';

/**
 * The operator's command line. Configuration comes from the environment (see the README); options given
 * here override it.
 */

const startupCatchUpMs = 60_000;
const shutdownGraceMs = 10_000;

const program = new Command().name('ledger').description('The credit ledger: serve the API, and operate the store');

program
  .command('serve')
  .description('serve the HTTP API on the configured store (PORT, LEDGER_DB, LEDGER_SCHEME)')
  .option('-p, --port <port>', 'port to listen on (default PORT or 3000)')
  .action(async (options: { port?: string }) => {
    const config = readConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
    const logger = pino({ level: config.logLevel });
    const service = await openLedgerService({
      ...config,
      logger,
      onProjectionFailure: (error) => {
        logger.fatal({ err: error }, 'projections failed; stopping rather than serving stale reads');
        process.exit(1);
      },
    });
    if (config.demoData) {
      const subjects = await seedDemoData(service.ledger, service.directory);
      logger.info({ subjects }, 'demo data present (set LEDGER_DEMO=0 to start without it)');
    }
    await service.runner.catchUp(startupCatchUpMs);
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
    const service = await openLedgerService({ ...config, logger });
    await service.runner.stop();
    service.runner.reset();
    service.runner.start();
    const caughtUp = await service.runner.catchUp(24 * 60 * 60 * 1000);
    process.stdout.write(`rebuilt projections up to position ${service.runner.position()}\n`);
    await service.close();
    process.exitCode = caughtUp ? 0 : 1;
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`ledger: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
