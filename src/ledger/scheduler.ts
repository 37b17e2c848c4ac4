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

/** How many items each sweep acted on in one tick, by the sweep's name. */
export type TickSummary = Record<string, number>;

/** The items a tick acted on, all sweeps together. */
export const actedOn = (summary: TickSummary): number => Object.values(summary).reduce((sum, n) => sum + n, 0);

export interface Scheduler {
  /** Runs every sweep until nothing is due (or the bound is reached); answers how many items each acted on. */
  tick(): Promise<TickSummary>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export const createScheduler = (
  /** By the name a tick's summary gives them, in the order they run. */
  sweeps: Readonly<Record<string, Sweep>>,
  clock: () => Date,
  onFailure: (error: unknown) => void,
): Scheduler => {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickSummary> | undefined;

  const runSweep = async (sweep: Sweep): Promise<number> => {
    let total = 0;
    for (let batch = 0; batch < sweepBatchesPerTickMax; batch += 1) {
      const acted = await sweep(clock(), sweepBatchMax);
      total += acted;
      if (acted < sweepBatchMax) break;
    }
    return total;
  };

  const tick = async (): Promise<TickSummary> => {
    const summary: TickSummary = {};
    for (const [name, sweep] of Object.entries(sweeps)) summary[name] = await runSweep(sweep);
    return summary;
  };

  /** One tick at a time: a slow tick is not overlapped by the next. */
  const tickOnce = (): Promise<TickSummary> => {
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
