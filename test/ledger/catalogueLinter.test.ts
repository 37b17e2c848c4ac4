import { readFileSync } from 'node:fs';
import { lintScheme } from '../../src/ledger/catalogueLinter';
import type { RuleItem, Scheme } from '../../src/ledger/scheme';
import { defaultSchemePath } from '../../src/ledger/schemeLoader';

// Read directly rather than through loadScheme, which itself runs the linter under test.
const rongcheng: Scheme = JSON.parse(readFileSync(defaultSchemePath(), 'utf8'));

const indexOf = (code: string): number => rongcheng.catalogue.findIndex((rule) => rule.code === code);

/** The default scheme with one change to the rule with this code. */
const withRule = (code: string, change: (rule: RuleItem) => void): Scheme => {
  const scheme = structuredClone(rongcheng);
  change(scheme.catalogue[indexOf(code)]);
  return scheme;
};

const withScheme = (change: (scheme: Scheme) => void): Scheme => {
  const scheme = structuredClone(rongcheng);
  change(scheme);
  return scheme;
};

const fieldsOf = (scheme: Scheme): string[] => lintScheme(scheme).map((finding) => finding.field);

test('the default scheme has no findings', () => {
  expect(lintScheme(rongcheng)).toEqual([]);
});

test('duplicate rule codes are refused', () => {
  const scheme = withRule('COM-SUED-BREACH', (rule) => {
    rule.code = 'COM-CONTRACT-BREACH';
  });

  expect(lintScheme(scheme)).toEqual([
    {
      field: `/catalogue/${indexOf('COM-SUED-BREACH')}/code`,
      message: `duplicates /catalogue/${indexOf('COM-CONTRACT-BREACH')}/code (COM-CONTRACT-BREACH)`,
    },
  ]);
});

test('a rule whose legal basis is blank is refused', () => {
  const scheme = withRule('TRF-TICKET', (rule) => {
    rule.legalBasis = '  ';
  });

  expect(lintScheme(scheme)).toEqual([
    {
      field: `/catalogue/${indexOf('TRF-TICKET')}/legalBasis`,
      message: 'must name the law or document the rule rests on',
    },
  ]);
});

test('a deduction whose points are not all negative is refused', () => {
  const scheme = withRule('COM-OTHER-UNTRUSTWORTHY', (rule) => {
    rule.points = { min: -5, max: 5 };
  });

  expect(lintScheme(scheme)).toEqual([
    {
      field: `/catalogue/${indexOf('COM-OTHER-UNTRUSTWORTHY')}/points`,
      message: "a deduction's points must all be negative",
    },
  ]);
});

test('an addition whose points are not all positive is refused', () => {
  const scheme = withRule('VOL-PROJECT', (rule) => {
    rule.points = 0;
  });

  expect(lintScheme(scheme)).toEqual([
    { field: `/catalogue/${indexOf('VOL-PROJECT')}/points`, message: "an addition's points must all be positive" },
  ]);
});

test('a gradeCap rule without a grade cap is refused', () => {
  const scheme = withRule('TRF-DUI', (rule) => {
    delete rule.gradeCap;
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('TRF-DUI')}/gradeCap`]);
});

test('a gradeCap rule with points is refused', () => {
  const scheme = withRule('TRF-DUI', (rule) => {
    rule.points = -100;
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('TRF-DUI')}/points`]);
});

test('a rule that is not a gradeCap rule but caps the grade is refused', () => {
  const scheme = withRule('PUB-EQUIPMENT-DAMAGE', (rule) => {
    rule.gradeCap = 'C';
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('PUB-EQUIPMENT-DAMAGE')}/gradeCap`]);
});

test('a rule that is not a gradeCap rule but has no points is refused', () => {
  const scheme = withRule('HRO-HEROIC-ACT', (rule) => {
    delete rule.points;
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('HRO-HEROIC-ACT')}/points`]);
});

test('a range whose min exceeds its max is refused', () => {
  const scheme = withRule('VOL-HOURS', (rule) => {
    rule.points = { min: 5, max: 1 };
  });

  expect(lintScheme(scheme)).toEqual([
    { field: `/catalogue/${indexOf('VOL-HOURS')}/points`, message: 'min must not exceed max' },
  ]);
});

test('a deduction resting on a photo or witness statement alone is refused', () => {
  const scheme = withRule('NBH-LITTERING', (rule) => {
    rule.evidenceKinds = ['photo', 'witnessStatement'];
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('NBH-LITTERING')}/evidenceKinds`]);
});

test('a grade cap resting on a photo or witness statement alone is refused', () => {
  const scheme = withRule('TRF-DUI', (rule) => {
    rule.evidenceKinds = ['witnessStatement'];
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('TRF-DUI')}/evidenceKinds`]);
});

test('grade bands out of order are refused', () => {
  const scheme = withScheme((it) => {
    it.gradeBands = [
      { grade: 'AAA', minScore: 1050 },
      { grade: 'A', minScore: 1030 },
      { grade: 'AA', minScore: 960 },
      { grade: 'B', minScore: 850 },
      { grade: 'C', minScore: 600 },
      { grade: 'D' },
    ];
  });

  expect(lintScheme(scheme)).toEqual([
    { field: '/gradeBands', message: 'must list each grade once, from AAA to D (found AAA, A, AA, B, C, D)' },
  ]);
});

test('grade bands that list a grade twice are refused', () => {
  const scheme = withScheme((it) => {
    it.gradeBands[1] = { grade: 'AAA', minScore: 1030 };
  });

  expect(fieldsOf(scheme)).toEqual(['/gradeBands']);
});

test('grade band minimums that do not strictly descend are refused', () => {
  const scheme = withScheme((it) => {
    it.gradeBands[2] = { grade: 'A', minScore: 1030 };
  });

  expect(lintScheme(scheme)).toEqual([
    { field: '/gradeBands/2/minScore', message: 'must be below the minimum of AA (1030)' },
  ]);
});

test('a minimum score on the lowest band is refused', () => {
  const scheme = withScheme((it) => {
    it.gradeBands[5] = { grade: 'D', minScore: 0 };
  });

  expect(fieldsOf(scheme)).toEqual(['/gradeBands/5/minScore']);
});

test('a band above the lowest without a minimum score is refused', () => {
  const scheme = withScheme((it) => {
    it.gradeBands[4] = { grade: 'C' };
  });

  expect(fieldsOf(scheme)).toEqual(['/gradeBands/4/minScore']);
});

test('a per-period cap whose sign contradicts its rule is refused', () => {
  const scheme = withRule('CHR-DONATION', (rule) => {
    rule.perPeriodCap = { points: -30, months: 12 };
  });

  expect(lintScheme(scheme)).toEqual([
    {
      field: `/catalogue/${indexOf('CHR-DONATION')}/perPeriodCap/points`,
      message: "must be positive, like an addition's points",
    },
  ]);
});

test('a per-period cap on a gradeCap rule is refused', () => {
  const scheme = withRule('TRF-DUI', (rule) => {
    rule.perPeriodCap = { points: -30, months: 12 };
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('TRF-DUI')}/perPeriodCap`]);
});

test('a rule rewarding a son serving in the army is refused as kinship', () => {
  const scheme = withRule('HRO-HEROIC-ACT', (rule) => {
    rule.code = 'FAM-SON-IN-ARMY';
    rule.title = 'Having a son serving in the army';
  });

  expect(lintScheme(scheme)).toEqual([
    { field: `/catalogue/${indexOf('HRO-HEROIC-ACT')}`, message: 'must not be about kinship or family status ("SON")' },
  ]);
});

test.each([
  ['family status', 'Squabbling with family members'],
  ['filial duty', 'Not visiting elderly parents'],
  ['religion', 'Attending unregistered religious gatherings'],
  ['ethnicity', 'Ethnic minority household'],
  ['petitioning', 'Abnormal petitioning'],
  ['political expression', 'Taking part in a protest'],
  ['speech', 'Spreading rumours online'],
])('a rule about %s is refused', (_topic, title) => {
  const scheme = withRule('NBH-LITTERING', (rule) => {
    rule.title = title;
  });

  expect(fieldsOf(scheme)).toEqual([`/catalogue/${indexOf('NBH-LITTERING')}`]);
});

test('"transparent" does not trip the check on parents', () => {
  const scheme = withRule('COM-OTHER-UNTRUSTWORTHY', (rule) => {
    rule.title = 'Failing to keep transparent accounts';
  });

  expect(lintScheme(scheme)).toEqual([]);
});

test('a rule naming an authority the scheme does not declare is refused', () => {
  const scheme = withRule('TRF-TICKET', (rule) => {
    rule.recordingAuthorities = ['traffic-police', 'neighbourhood-watch'];
  });
  expect(lintScheme(scheme)).toEqual([
    {
      field: `/catalogue/${indexOf('TRF-TICKET')}/recordingAuthorities/1`,
      message: 'names neighbourhood-watch, which /authorities does not declare',
    },
  ]);
});

test('duplicate perk codes are refused', () => {
  const scheme = withScheme((changed) => {
    changed.perks.push({ ...(changed.perks[0] as Scheme['perks'][number]) });
  });
  expect(fieldsOf(scheme)).toEqual([`/perks/${rongcheng.perks.length}/code`]);
});

test('a listing extension whose minimum is above its maximum is refused', () => {
  const scheme = withScheme((changed) => {
    changed.listings.extensionMonths = { min: 40, max: 12 };
  });
  expect(fieldsOf(scheme)).toEqual(['/listings/extensionMonths']);
});
