import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemTypes } from '../../src/api/problems';
import { projectRoot } from '../../src/projectRoot';

describe('the problem types', () => {
  it('are every one named in the README, which is where a client learns them', () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    expect(Object.keys(problemTypes).filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });
});
