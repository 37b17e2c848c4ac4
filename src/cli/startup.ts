import type { ProjectionRunner } from '../projections/runner';

/** How often a command waiting for the projections says how far they are. */
const catchUpReportMs = 10_000;

/**
 * Waits, however long it takes, until the projections have caught up with the log as it was when called, telling
 * `onWaiting` their position every catchUpReportMs. A command acts only then: `serve` answering from read models
 * half folded (after a seed, an import, or a projection rebuilt from zero on a large log) would tell a blacklisted
 * subject that no listing restricts them, and `tick` would sweep deadlines it cannot see yet. Throws the projections'
 * error once they have failed, which they will never get over by waiting.
 */
export const catchUpFully = async (
  runner: Pick<ProjectionRunner, 'catchUp' | 'position' | 'failure'>,
  onWaiting: (position: string) => void,
  reportMs: number = catchUpReportMs,
): Promise<void> => {
  while (!(await runner.catchUp(reportMs))) {
    const failed = runner.failure();
    if (failed) {
      const reason = failed.error instanceof Error ? failed.error.message : String(failed.error);
      throw new Error(`the projections failed while catching up with the log: ${reason}`, { cause: failed.error });
    }
    onWaiting(runner.position());
  }
};
