import { createHmac } from 'node:crypto';
import { eventHash, eventHashFromCanonical, canonicalJson, headHmac, type HashedFields } from './hashing';

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

  it('keys the head HMAC over the canonical form of the head', () => {
    for (const headHash of ['ab'.repeat(32), null]) {
      const expected = createHmac('sha256', 'key-one-0123456789').update(canonicalJson({ streamId: 'order-1', version: 7, headHash })).digest('hex');
      expect(headHmac('key-one-0123456789', 'order-1', 7, headHash)).toBe(expected);
    }
  });
});
