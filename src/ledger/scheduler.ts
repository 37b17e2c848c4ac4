/**
 * Turns due deadlines into events: each sweep finds what has fallen due by `now` (an entry's effect period
 * ended, an objection not decided in time) and writes the event for it, oldest first. Sweeps are
 * idempotent (their commands' idempotency keys derive from what they act on), so running one twice, or
 * after the service was down, writes each event exactly once and catches up in order.
 */

/** Acts on at most `limit` due items; returns how many it acted on. */
export type Sweep = (now: Date, limit: number) => Promise<number>;

export const sweepBatchMax = 500;
/** Bound on one tick's work, so a long outage is caught up over several ticks rather than in one. */
export const sweepBatchesPerTickMax = 100;

export interface Scheduler {
  /** Runs every sweep until nothing is due (or the bound is reached); returns how many items it acted on. */
  tick(): Promise<number>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export const createScheduler = (
  sweeps: readonly Sweep[],
  clock: () => Date,
  onFailure: (error: unknown) => void,
): Scheduler => {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const runSweep = async (sweep: Sweep): Promise<number> => {
    let total = 0;
    for (let batch = 0; batch < sweepBatchesPerTickMax; batch += 1) {
      const acted = await sweep(clock(), sweepBatchMax);
      total += acted;
      if (acted < sweepBatchMax) break;
    }
    return total;
  };

  const tick = async (): Promise<number> => {
    let total = 0;
    for (const sweep of sweeps) total += await runSweep(sweep);
    return total;
  };

  /** One tick at a time: a slow tick is not overlapped by the next. */
  const tickOnce = (): Promise<number> => {
    running ??= tick().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    tick: tickOnce,
    start(intervalMs) {
      timer ??= setInterval(() => {
        tickOnce().catch(onFailure);
      }, intervalMs).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
};
