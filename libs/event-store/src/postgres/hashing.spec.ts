import { createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { eventHash, eventHashFromCanonical, canonicalJson, canonicalJsonOfValidated, headHmac, type HashedFields } from './hashing';

const fields: HashedFields = {
  eventId: '0b5e7e0c-9a53-4a55-8d62-3d3c8d0c5a11',
  streamId: 'order-1',
  version: 2,
  type: 'ItemAdded',
  schemaVersion: 1,
  data: { z: 1, a: [1.5, 'é', { y: null, b: true }], '€': 'euro', ab: 1e21, '\u00e9': 2 },
  metadata: { correlationId: 'c', causationId: 'c', actor: 'a', tenant: 'x' },
  occurredAt: '2026-01-02T03:04:05.678Z',
  recordedAt: '2026-01-02T03:04:06.000Z',
  previousHash: 'ab'.repeat(32),
};

describe('event hashing', () => {
  it('assembles the same canonical hash from pre-canonicalised payloads as the reference', () => {
    const { data, metadata, ...rest } = fields;
    expect(eventHashFromCanonical(rest, canonicalJson(data), canonicalJson(metadata))).toBe(eventHash(fields));
    const first = { ...fields, previousHash: null, version: 1 };
    expect(eventHashFromCanonical({ ...rest, previousHash: null, version: 1 }, canonicalJson(data), canonicalJson(metadata))).toBe(eventHash(first));
  });

  it('does not depend on key order but on every stored field', () => {
    const reordered = { ...fields, data: Object.fromEntries(Object.entries(fields.data).reverse()) };
    expect(eventHash(reordered)).toBe(eventHash(fields));
    for (const change of [{ eventId: '1b5e7e0c-9a53-4a55-8d62-3d3c8d0c5a11' }, { version: 3 }, { type: 'ItemRemoved' }, { recordedAt: '2026-01-02T03:04:06.001Z' }, { previousHash: null }, { data: { z: 2 } }]) {
      expect(eventHash({ ...fields, ...change })).not.toBe(eventHash(fields));
    }
  });

  it('keys the head HMAC by the chain key', () => {
    expect(headHmac('key-one-0123456789', 'order-1', 2, 'h')).not.toBe(headHmac('key-two-0123456789', 'order-1', 2, 'h'));
    expect(headHmac('key-one-0123456789', 'order-1', 2, 'h')).not.toBe(headHmac('key-one-0123456789', 'order-1', 1, 'h'));
  });

  it('serialises validated JSON exactly as the canonicalize package does', () => {
    const samples = [
      fields.data,
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

  it('keys the head HMAC over the canonical form of the head', () => {
    for (const headHash of ['ab'.repeat(32), null]) {
      const expected = createHmac('sha256', 'key-one-0123456789').update(canonicalJson({ streamId: 'order-1', version: 7, headHash })).digest('hex');
      expect(headHmac('key-one-0123456789', 'order-1', 7, headHash)).toBe(expected);
    }
  });
});
