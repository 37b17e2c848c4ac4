import { Worker } from 'node:worker_threads';
import { walAutocheckpointPages, type Database } from './sqliteDatabase';

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

/** Plain JavaScript, run with eval: the worker loads nothing of ours, so it runs the same under ts-jest. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.dbPath, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
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
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: {
      dbPath: db.name,
      driverPath: require.resolve('better-sqlite3'),
      intervalMs: options.intervalMs ?? walCheckpointIntervalMs,
    },
  });
  worker.on('message', (message: { failure: string }) => options.onFailure(new Error(message.failure)));
  worker.on('error', options.onFailure);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
    },
  };
};
