import { asOfReplay } from './asOfReplay';
import { bulkImport } from './bulkImport';
import { durableWrites } from './durableWrites';
import type { Figure } from './figure';
import { memory } from './memory';
import { eligibilityReads, scoreReads } from './reads';
import { rebuild } from './rebuild';
import { startup } from './startup';
import { verify } from './verify';

/**
 * Every figure, in the order they run on a population: the import works on an export of the untouched log,
 * rebuild builds the projections the later figures need, and the writes, which grow the log most, come last.
 */
export const allFigures: readonly Figure[] = [
  bulkImport,
  rebuild,
  verify,
  startup,
  memory,
  scoreReads,
  eligibilityReads,
  asOfReplay,
  durableWrites,
];
