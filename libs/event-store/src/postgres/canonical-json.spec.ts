import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJsonOfValidated } from './canonical-json';

describe('canonical JSON', () => {
  it('serialises validated JSON exactly as the canonicalize package does', () => {
    const samples = [
      { z: 1, a: [1.5, 'é', { y: null, b: true }], '€': 'euro', ab: 1e21, '\u00e9': 2 },
      { 'a"b': 'line\nbreak\t\u0001', '\\': '\\', '𝄞': '𝄞 pair', '\u2028': '\u2028', z: [], y: {}, x: [[], [{}], null] },
      { n: [0, -0, 1e-7, 123456789012345680000, 1.5e300, -2.25, 0.1 + 0.2], b: [true, false], '10': 1, '9': 2, B: 1, a: 1, é: 1, e: 1 },
      { nested: { deeper: { deepest: ['é', 'ü', '中文', '\u007f'] } } },
    ];
    for (const sample of samples) expect(canonicalJsonOfValidated(sample)).toBe(canonicalize(sample));
  });

  it('sorts objects of any width as the canonicalize package does (small ones by insertion, wide ones by Array.sort)', () => {
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7919) % 40}`, i]));
    expect(canonicalJsonOfValidated(wide)).toBe(canonicalize(wide));
    const key = fc.string({ unit: 'binary', maxLength: 4 }).filter((text) => !/[\ud800-\udfff]/.test(text));
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 24 }), (object) => {
        expect(canonicalJsonOfValidated(object)).toBe(canonicalize(object));
      }),
    );
  });
});
