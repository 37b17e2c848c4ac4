import { closeSync, copyFileSync, existsSync, openSync, readSync, rmSync } from 'node:fs';

/** A SQLite database is its file and, in WAL mode, a `-wal` and a `-shm` beside it. */

const companions = ['-wal', '-shm'] as const;

/** Copies a database (with its WAL, where one is left) to `targetPath`; the source is only read. */
export const copyDatabase = (sourcePath: string, targetPath: string): void => {
  copyFileSync(sourcePath, targetPath);
  if (existsSync(`${sourcePath}-wal`)) copyFileSync(`${sourcePath}-wal`, `${targetPath}-wal`);
};

export const removeDatabase = (path: string): void => {
  for (const file of [path, ...companions.map((suffix) => `${path}${suffix}`)]) rmSync(file, { force: true });
};

const readThroughChunkBytes = 16 * 1024 * 1024;

/**
 * Reads a database (and its WAL) through once, so that its pages are in the operating system's page cache, as
 * they are on a server that has been answering for a while. Returns the bytes read.
 */
export const readThrough = (path: string): number => {
  const chunk = Buffer.allocUnsafe(readThroughChunkBytes);
  let bytes = 0;
  for (const file of [path, `${path}-wal`].filter((candidate) => existsSync(candidate))) {
    const descriptor = openSync(file, 'r');
    try {
      for (let read = readSync(descriptor, chunk); read > 0; read = readSync(descriptor, chunk)) bytes += read;
    } finally {
      closeSync(descriptor);
    }
  }
  return bytes;
};
