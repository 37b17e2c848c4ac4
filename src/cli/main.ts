#!/usr/bin/env node
import { Command } from 'commander';
import { registerAudit } from './commands/audit';
import { registerBulk } from './commands/bulk';
import { registerCredentials } from './commands/credentials';
import { registerMaintenance } from './commands/maintenance';
import { registerReports } from './commands/reports';
import { registerServe } from './commands/serve';

/**
 * The operator's command line. Configuration comes from the environment (see the README); options given
 * here override it.
 */

const program = new Command().name('ledger').description('The credit ledger: serve the API, and operate the store');
registerServe(program);
registerMaintenance(program);
registerAudit(program);
registerReports(program);
registerBulk(program);
registerCredentials(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`ledger: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
