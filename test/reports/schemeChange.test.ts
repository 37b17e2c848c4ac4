import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRule } from '../../src/ledger/scheme';
import { SchemeInvalidError } from '../../src/ledger/schemeLoader';
import { applySchemeChange, readSchemeChange } from '../../src/reports/schemeChange';
import { temporaryFolder } from '../support/ledgerService';
import { rongcheng } from '../support/populationLedger';

const folder = temporaryFolder();
afterAll(() => folder.remove());

/** Writes `document` as a change file and reads it against Rongcheng. */
const read = (document: unknown) => {
  const file = join(folder.path, 'change.json');
  writeFileSync(file, JSON.stringify(document));
  return readSchemeChange(file, rongcheng);
};

const refusal = (change: () => unknown): unknown => {
  try {
    change();
  } catch (error) {
    return error;
  }
  throw new Error('the change was not refused');
};

describe('a scheme change', () => {
  it("lays a rule's changed fields over the rule, under a version of its own", () => {
    const changed = applySchemeChange(rongcheng, read({ rules: { 'TRF-TICKET': { points: -3 } } }), 'change.json');
    expect([changed.version, findRule(changed, 'TRF-TICKET')]).toEqual([
      'rongcheng-2021.1-what-if',
      { ...findRule(rongcheng, 'TRF-TICKET'), points: -3 },
    ]);
  });

  it('removes a rule given as null', () => {
    const changed = applySchemeChange(rongcheng, read({ rules: { 'NBH-LITTERING': null } }), 'change.json');
    expect(findRule(changed, 'NBH-LITTERING')).toBeUndefined();
  });

  it("lays effect months over the scheme's", () => {
    const changed = applySchemeChange(rongcheng, read({ effectMonths: { positive: 24 } }), 'change.json');
    expect(changed.effectMonths).toEqual({ ...rongcheng.effectMonths, positive: 24 });
  });

  it('refuses a rule the scheme does not have', () => {
    expect(refusal(() => read({ rules: { 'FAM-SON-IN-ARMY': { points: 10 } } }))).toMatchObject({
      failures: [{ field: '/rules/FAM-SON-IN-ARMY', message: 'is not a rule of rongcheng-2021.1' }],
    });
  });

  it('refuses a part a what-if cannot change', () => {
    expect(refusal(() => read({ baseline: 900 }))).toMatchObject({
      failures: [{ field: '/baseline', message: 'is not a part a what-if can change' }],
    });
  });

  it('refuses a changed scheme the catalogue linter would refuse', () => {
    // A deduction of +3 points is no deduction.
    const change = read({ rules: { 'TRF-TICKET': { points: 3 } } });
    const error = refusal(() => applySchemeChange(rongcheng, change, 'change.json'));
    expect([error instanceof SchemeInvalidError, (error as SchemeInvalidError).message]).toEqual([
      true,
      expect.stringMatching(/^change\.json applied to rongcheng-2021\.1: \/catalogue\/\d+\/points/),
    ]);
  });
});
