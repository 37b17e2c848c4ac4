import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSchemePath, loadScheme, SchemeInvalidError } from '../../src/ledger/schemeLoader';

const folder = mkdtempSync(join(tmpdir(), 'scheme-loader-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const defaultDocument = (): Record<string, any> => JSON.parse(readFileSync(defaultSchemePath(), 'utf8'));

const writeScheme = (name: string, text: string): string => {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
};

/** The default scheme with one change, written to a file of its own. */
const defaultSchemeWith = (name: string, change: (document: Record<string, any>) => void): string => {
  const document = defaultDocument();
  change(document);
  return writeScheme(name, JSON.stringify(document));
};

const refusalOf = (file: string): string => {
  try {
    loadScheme(file);
  } catch (error) {
    if (error instanceof SchemeInvalidError) return error.message;
    throw error;
  }
  throw new Error(`${file} was accepted`);
};

test('the default scheme loads with the Rongcheng catalogue codes', () => {
  const codes = loadScheme(defaultSchemePath()).catalogue.map((rule) => rule.code);

  expect(codes).toEqual(
    expect.arrayContaining([
      'COM-CONTRACT-BREACH',
      'COM-SUED-BREACH',
      'COM-LOAN-ARREARS',
      'COM-ILLEGAL-FUNDRAISING',
      'COM-COUNTERFEIT',
      'PUB-FEES-LATE',
      'PUB-HEATING-TAMPER',
      'PUB-UTILITY-THEFT',
      'PUB-EQUIPMENT-DAMAGE',
      'TRF-TICKET',
      'TRF-DUI',
      'NBH-LITTERING',
      'VOL-HOURS',
      'VOL-PROJECT',
      'CHR-DONATION',
      'HRO-HEROIC-ACT',
      'CARE-ELDERLY',
    ]),
  );
});

test('a field the schema does not know is refused, naming the field', () => {
  const file = defaultSchemeWith('unknown-field.json', (scheme) => {
    scheme.catalogue[0].rating = 'AAA';
  });

  expect(refusalOf(file)).toBe(`${file}: /catalogue/0/rating: is not a known field`);
});

test('points given as a string are refused, naming the field', () => {
  const file = defaultSchemeWith('points-as-string.json', (scheme) => {
    scheme.catalogue[3].points = '-20';
  });

  expect(refusalOf(file)).toBe(`${file}: /catalogue/3/points: must be integer`);
});

test('a rule without a legal basis is refused, naming the field', () => {
  const file = defaultSchemeWith('no-legal-basis.json', (scheme) => {
    delete scheme.catalogue[0].legalBasis;
  });

  expect(refusalOf(file)).toBe(`${file}: /catalogue/0/legalBasis: is required`);
});

test('a scheme the linter refuses is not loaded, naming the field', () => {
  const file = defaultSchemeWith('duplicate-code.json', (scheme) => {
    scheme.catalogue[1].code = scheme.catalogue[0].code;
  });

  expect(refusalOf(file)).toBe(`${file}: /catalogue/1/code: duplicates /catalogue/0/code (COM-CONTRACT-BREACH)`);
});

test('a file that is not JSON is refused as not valid JSON', () => {
  const file = writeScheme('not-json.json', '{ "id": "rongcheng", ');

  expect(refusalOf(file)).toMatch(`${file}: is not valid JSON (`);
});

test('a file that cannot be read is refused as unreadable', () => {
  const file = join(folder, 'missing.json');

  expect(refusalOf(file)).toBe(`${file}: cannot be read (ENOENT)`);
});
