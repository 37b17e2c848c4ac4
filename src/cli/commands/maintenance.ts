import { elapsed, progressBar } from '../progress';
import { withLedger } from '../withLedger';
import type { Command } from 'commander';
import { actedOn } from '../../ledger/scheduler';
import { catchUpFully } from '../startup';

/**
 * `rebuild` and `tick`: projections from zero, and due deadlines turned into events.
 */

/** How often a progress bar is redrawn while the work runs elsewhere (the projection runner). */
const progressRefreshMs = 250;

export const registerMaintenance = (program: Command): void => {
  program
    .command('rebuild')
    .description('rebuild every projection from the whole log, then exit')
    .action(async () => {
      await withLedger(
        async (service) => {
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
          try {
            await catchUpFully(service.runner, () => undefined);
            bar.update(head);
          } finally {
            clearInterval(showing);
            bar.stop();
          }
          process.stdout.write(`rebuilt projections up to position ${service.runner.position()}\n`);
          process.stderr.write(`rebuilt in ${elapsed(head, startedAtMs, Date.now())}\n`);
        },
        { followProjections: false, claimAs: 'rebuild' },
      );
    });

  program
    .command('tick')
    .description('turn every deadline due now into its event (expiries, missed objection deadlines), then exit')
    .action(async () => {
      await withLedger(
        async (service) => {
          await catchUpFully(service.runner, (position) =>
            process.stderr.write(`projections catching up, at position ${position}\n`),
          );
          const summary = await service.scheduler.tick();
          const each = Object.entries(summary).map(([name, count]) => `${name} ${count}`);
          process.stdout.write(`${actedOn(summary)} acted on: ${each.join(', ')}\n`);
        },
        { claimAs: 'tick' },
      );
    });
};
