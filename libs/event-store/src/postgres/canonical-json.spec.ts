import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { MAX_JSON_DEPTH, canonicalJsonIfStorable, canonicalJsonOfValidated } from './canonical-json';

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

  it('builds the same text whether it checks the value or trusts it, wherever the value is storable JSON', () => {
    // Quotes, escapes, controls, line separators, astral pairs: every path of the string printer.
    const unit = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.constantFrom('"', '\\', '\n', '\u0001', '\u001f', '\u007f', '\u2028', '€', '𝄞', '😀'));
    const value = fc.jsonValue({ maxDepth: 4, stringUnit: unit });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit, maxLength: 4 }), value, { maxKeys: 20 }), (object) => {
        const checked = canonicalJsonIfStorable(object);
        expect(checked).toBe(canonicalJsonOfValidated(object));
        expect(checked).toBe(canonicalize(object));
      }),
      { numRuns: 500 },
    );
  });

  it('declines, when it checks, what jsonb would not store as it is or what is not plain JSON, at any depth', () => {
    // A leaf `depth` levels below the top object.
    const leafAt = (depth: number) => {
      let value: unknown = 'leaf';
      for (let i = 1; i < depth; i++) value = [value];
      return { deep: value };
    };
    const refused: unknown[] = ['nul\u0000', 'lone\uD800', Number.NaN, Number.POSITIVE_INFINITY, undefined, new Date(0), new Map(), () => 1, 1n];
    for (const bad of refused) {
      expect(canonicalJsonIfStorable({ a: [{ b: bad }] })).toBeUndefined();
      expect(canonicalJsonIfStorable([bad])).toBeUndefined();
    }
    expect(canonicalJsonIfStorable({ ['k\uDC00']: 1 })).toBeUndefined();
    expect(canonicalJsonIfStorable(leafAt(MAX_JSON_DEPTH))).toBe(canonicalJsonOfValidated(leafAt(MAX_JSON_DEPTH)));
    expect(canonicalJsonIfStorable(leafAt(MAX_JSON_DEPTH + 1))).toBeUndefined();
  });

  it('throws, when it trusts the value, on what has no JSON text at all rather than printing it', () => {
    for (const bad of [undefined, () => 1, Symbol('s'), 1n]) expect(() => canonicalJsonOfValidated({ a: [bad] })).toThrow(TypeError);
  });
});
