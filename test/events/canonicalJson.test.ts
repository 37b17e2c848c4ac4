import fc from 'fast-check';
import { canonicalJson } from '../../src/events/canonicalJson';

/** Canonical JSON: the one text of a JSON value that the hash chain and the idempotency fingerprints hash. */

describe('canonical JSON', () => {
  it('writes object keys in UTF-16 code unit order, at every level, without white space', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, B: 2 })).toBe(
      '{"B":2,"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
    // U+FF5E sorts after U+1F600, whose first UTF-16 code unit is U+D83D (code points would say otherwise).
    expect(canonicalJson({ '～': 1, '😀': 2, é: 3 })).toBe('{"é":3,"😀":2,"～":1}');
  });

  it('writes strings and numbers as JSON.stringify does', () => {
    expect(canonicalJson({ text: 'line\nbreak "quoted" \u0001', number: -0.5, big: 1e21 })).toBe(
      '{"big":1e+21,"number":-0.5,"text":"line\\nbreak \\"quoted\\" \\u0001"}',
    );
  });

  it('leaves out members whose value is undefined, and writes null for an undefined array item', () => {
    expect(canonicalJson({ kept: 1, dropped: undefined, list: [undefined, 2] })).toBe('{"kept":1,"list":[null,2]}');
  });

  it('encodes what toJSON gives, as JSON.stringify does', () => {
    expect(canonicalJson({ at: new Date('2026-11-26T10:00:00Z') })).toBe('{"at":"2026-11-26T10:00:00.000Z"}');
  });

  it('refuses a value JSON cannot hold', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ count: 1n })).toThrow(TypeError);
  });

  it('gives the same text for the same content, whatever the order of the keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reordered = JSON.parse(JSON.stringify(value), (_key, item: unknown) =>
          item !== null && typeof item === 'object' && !Array.isArray(item)
            ? Object.fromEntries(Object.entries(item).reverse())
            : item,
        ) as unknown;
        expect(canonicalJson(reordered)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
