import { join, resolve } from 'node:path';

/**
 * Where things are. The bench runs compiled, as dist/bench/*.js, so the repository root is two levels up from
 * this file's compiled directory.
 */

export const repositoryRoot = resolve(__dirname, '..', '..');
export const ledgerCliPath = join(repositoryRoot, 'dist', 'src', 'cli', 'main.js');
/** Seeded populations, kept between runs (gitignored). */
export const populationCacheDirectory = join(repositoryRoot, 'bench', '.cache');
export const resultsDirectory = join(repositoryRoot, 'bench', 'results');
export const readmePath = join(repositoryRoot, 'README.md');

/** A compiled bench script to run in its own process, e.g. `baselines/importLoop.js`. */
export const benchScriptPath = (relativePath: string): string => join(__dirname, relativePath);
