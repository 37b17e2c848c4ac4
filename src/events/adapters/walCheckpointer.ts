import { walAutocheckpointPages, type Database } from './sqliteDatabase';
import { startDatabaseWorker } from './sqliteWorker';

/**
 * Moves the WAL's committed pages into the database file from a worker thread with a connection of its own, so
 * that no COMMIT on the serving connection stops the event loop to do it. With SQLite's automatic checkpoint, the
 * commit that crossed the WAL's threshold copied tens of megabytes and flushed them before it returned, 100 to
 * 500 ms during which no request moved: the tail of the write latency under load.
 *
 * While it runs, the serving connection's automatic checkpoint is off. PASSIVE checkpoints never wait for readers
 * or writers; durability does not change (a commit is durable once in the WAL, synchronous=FULL).
 */

export interface WalCheckpointer {
  /** Stops the worker after its current checkpoint and gives the serving connection its automatic one back. */
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  intervalMs?: number;
  /** A checkpoint that failed (the disk, say); the next interval tries again. */
  onFailure: (error: unknown) => void;
}

export const walCheckpointIntervalMs = 200;

/** Run on the worker (sqliteWorker.ts). */
const workerSource = `
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ failure: String(error && error.stack || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export const startWalCheckpointer = (db: Database, options: WalCheckpointerOptions): WalCheckpointer => {
  if (db.memory) throw new Error('an in-memory database has no WAL to checkpoint');
  const { worker, stop } = startDatabaseWorker(db, workerSource, {
    intervalMs: options.intervalMs ?? walCheckpointIntervalMs,
  });
  db.pragma('wal_autocheckpoint = 0');
  worker.on('message', (message: { failure: string }) => options.onFailure(new Error(message.failure)));
  worker.on('error', options.onFailure);
  return {
    async stop() {
      await stop();
      if (db.open) db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
    },
  };
};
