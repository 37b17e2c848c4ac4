import { copyFileSync, existsSync, rmSync } from 'node:fs';

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
