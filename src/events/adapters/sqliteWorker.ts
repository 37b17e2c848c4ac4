import { Worker } from 'node:worker_threads';
import { connectionPragmas, type Database } from './sqliteDatabase';

/**
 * A worker thread with a connection of its own to the ledger's database file (the WAL checkpointer, the import's
 * commit worker). Its source is plain JavaScript, run with eval: it loads nothing of ours, so it runs the same
 * under ts-jest. The source runs with `parentPort`, `workerData` (`data` and the connection's settings) and `db`
 * (the connection, with every connection's pragmas) in scope, and must close `db` and `parentPort` when sent 'stop'.
 */

export interface DatabaseWorker {
  worker: Worker;
  /** Settles when the thread has ended, stopped or not. */
  exited: Promise<void>;
  /** Sends 'stop' (unless the thread has ended) and waits for it to end. */
  stop(): Promise<void>;
}

const prelude = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.dbPath, { fileMustExist: true });
for (const pragma of workerData.pragmas) db.pragma(pragma);
`;

export const startDatabaseWorker = (db: Database, source: string, data: Record<string, unknown>): DatabaseWorker => {
  if (db.memory) throw new Error('an in-memory database cannot be shared with a worker thread');
  const worker = new Worker(prelude + source, {
    eval: true,
    workerData: {
      ...data,
      dbPath: db.name,
      driverPath: require.resolve('better-sqlite3'),
      pragmas: connectionPragmas,
    },
  });
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      ended = true;
      resolve();
    }),
  );
  return {
    worker,
    exited,
    async stop() {
      if (!ended) worker.postMessage('stop');
      await exited;
    },
  };
};
