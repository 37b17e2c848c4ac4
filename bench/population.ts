import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLedger, seedAsOfDate } from './ledgerCli';
import { populationCacheDirectory } from './paths';
import { formatCount } from './format';
import { step } from './stepLog';

/**
 * The populations the figures run on. A city is seeded by the CLI (`ledger seed`) once per set of seed arguments
 * and kept in bench/.cache/ (the default city takes about 19 minutes); a marker written after the seed
 * completed tells a finished city from an interrupted one, which the next run resumes (a rerun of `seed` writes
 * only what is missing). Figures never run on the cached file or on a database the operator supplied: each size
 * works on a copy of its own.
 */

export interface CitySize {
  residents: number;
  organisations: number;
}

/** `seed` defaults, written out so that the cache key names every argument. */
const seedYears = 5;
const seedValue = '1';
const completedMarker = 'seeded';

export const cityLabel = ({ residents, organisations }: CitySize): string =>
  `${formatCount(residents)} residents, ${formatCount(organisations)} organisations`;

/** The seeded city's database in the cache, seeding it first when it is not complete there. */
export const seededCity = async (size: CitySize): Promise<string> => {
  const key = `city-r${size.residents}-o${size.organisations}-y${seedYears}-s${seedValue}-${seedAsOfDate}`;
  const directory = join(populationCacheDirectory, key);
  const dbPath = join(directory, 'ledger.db');
  const marker = join(directory, completedMarker);
  if (existsSync(marker)) return dbPath;
  mkdirSync(directory, { recursive: true });
  step(`seeding ${cityLabel(size)} into ${directory} (kept for later runs)`);
  const seeded = await runLedger(dbPath, [
    'seed',
    ...['--residents', String(size.residents), '--organisations', String(size.organisations)],
    ...['--years', String(seedYears), '--seed', seedValue, '--as-of', seedAsOfDate],
  ]);
  writeFileSync(marker, seeded.stderr);
  step(`seeded in ${seeded.seconds.toFixed(0)} s: ${seeded.stderr.trim().split('\n').at(-1) ?? ''}`);
  return dbPath;
};
