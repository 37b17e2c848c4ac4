import { readFileSync, writeFileSync } from 'node:fs';
import { readmePath } from './paths';

/**
 * A full run writes its table into README.md between two markers, in the "Benchmarks" section; nothing
 * outside them is touched.
 */

const beginMarker = '<!-- bench:begin -->';
const endMarker = '<!-- bench:end -->';

export const writeReadmeTable = (markdown: string): void => {
  const readme = readFileSync(readmePath, 'utf8');
  const begin = readme.indexOf(beginMarker);
  const end = readme.indexOf(endMarker);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${beginMarker} … ${endMarker} section`);
  writeFileSync(readmePath, `${readme.slice(0, begin + beginMarker.length)}\n${markdown}\n${readme.slice(end)}`);
};
