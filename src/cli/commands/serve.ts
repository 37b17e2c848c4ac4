import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { startWalCheckpointer } from '../../events/adapters/walCheckpointer';
import { clockOf, readConfig } from '../../config';
import { openLedgerService } from '../../service';
import { credentialsFile, issueDemoCredentials } from '../demoCredentials';
import { seedDemoData } from '../demoData';
import type { Command } from 'commander';
import { catchUpFully } from '../startup';
import { claimDatabase } from '../databaseClaim';

/**
 * `serve`: the HTTP API, with demo data and credentials unless LEDGER_DEMO=0.
 */
const shutdownGraceMs = 10_000;

export const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('serve the HTTP API on the configured store (PORT, LEDGER_DB, LEDGER_SCHEME)')
    .option('-p, --port <port>', 'port to listen on (default PORT or 3000)')
    .action(async (options: { port?: string }) => {
      const config = readConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
      const claim = claimDatabase(config.dbPath, 'serve');
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
      // Checkpoints of the WAL run beside the event loop, not inside the commit of whichever request crosses the
      // threshold (walCheckpointer.ts).
      const walCheckpointer =
        config.dbPath === ':memory:'
          ? undefined
          : startWalCheckpointer(service.db, {
              onFailure: (error) => logger.error({ err: error }, 'a WAL checkpoint failed; the next one tries again'),
            });
      await catchUpFully(service.runner, (position) =>
        logger.info({ position }, 'projections catching up with the log; serving once they have'),
      );
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
          void (async () => {
            await walCheckpointer?.stop();
            await service.close();
            claim.release();
            process.exit(0);
          })();
        });
        server.closeIdleConnections();
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
};
