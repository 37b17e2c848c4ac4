import { Command, InvalidArgumentError } from 'commander';
import { figureIds, type FigureId } from './figures/figure';
import { citySized, settingsFor, type ModeSettings } from './modes';

/**
 * The bench's command line: `npm run bench -- [--quick] [--sizes 74000,740000] [--runs 3]
 * [--only rebuild,verify] [--population-db city.db]`.
 */

export interface BenchOptions {
  settings: ModeSettings;
  /** Only these figures, for development; undefined for all. */
  only?: FigureId[];
  /** A seeded database to use as the largest population instead of seeding it; only ever copied. */
  populationDb?: string;
}

const positiveWholeNumber = (text: string): number => {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('must be a whole number from 1');
  }
  return value;
};

const residentCounts = (text: string): number[] => text.split(',').map((part) => positiveWholeNumber(part.trim()));

const figureList = (text: string): FigureId[] =>
  text.split(',').map((part) => {
    const id = part.trim();
    if (!(figureIds as readonly string[]).includes(id)) {
      throw new InvalidArgumentError(`${id} is not a figure; figures are ${figureIds.join(', ')}`);
    }
    return id as FigureId;
  });

export const parseBenchOptions = (argv: readonly string[]): BenchOptions => {
  const program = new Command('npm run bench --')
    .description('the ledger benchmark: each figure against a baseline measured in the same run')
    .option('--quick', 'small populations and short loads, for development (under 5 minutes)')
    .option(
      '--sizes <residents>',
      'comma-separated resident counts, smallest first (e.g. 74000,740000)',
      residentCounts,
    )
    .option('--runs <n>', 'runs of each figure and of its baseline', positiveWholeNumber)
    .option('--only <figures>', `comma-separated figures to run: ${figureIds.join(', ')}`, figureList)
    .option(
      '--population-db <path>',
      'a seeded database, not being written to, for the largest size instead of seeding it (only copied)',
    )
    .parse(argv);
  const options = program.opts<{
    quick?: boolean;
    sizes?: number[];
    runs?: number;
    only?: FigureId[];
    populationDb?: string;
  }>();
  const defaults = settingsFor(options.quick ? 'quick' : 'full');
  return {
    settings: {
      ...defaults,
      ...(options.sizes ? { cities: [...options.sizes].sort((a, b) => a - b).map(citySized) } : {}),
      ...(options.runs ? { runs: options.runs } : {}),
    },
    ...(options.only ? { only: options.only } : {}),
    ...(options.populationDb ? { populationDb: options.populationDb } : {}),
  };
};
