import fc from 'fast-check';
import { InvalidEventError } from '../errors';
import canonicalize from 'canonicalize';
import { isIsoMillis, validateAndCanonicalise, validateEvents } from './validation';

const event = (data: unknown, metadata: object = {}) => ({
  type: 'OrderPlaced',
  schemaVersion: 1,
  occurredAt: '2026-03-02T09:15:00.000Z',
  data,
  metadata: { correlationId: 'c', causationId: 'c', actor: 'a', ...metadata },
});

let ids = 0;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

/** The fault validateEvents names; validateAndCanonicalise (one walk for check and text) must name the same. */
function faultOf(data: unknown, metadata?: object): string {
  const faults = [(events: unknown[]) => validateEvents(events, newId), (events: unknown[]) => validateAndCanonicalise(events, newId, [])].map((check) => {
    try {
      check([event({ ok: 1 }), event(data, metadata)]);
    } catch (error) {
      if (error instanceof InvalidEventError) return error.message;
      throw error;
    }
    throw new Error('expected an InvalidEventError');
  });
  expect(faults[1]).toBe(faults[0]);
  return faults[0];
}

describe('event validation', () => {
  it('names the path of the first value that is not storable JSON', () => {
    expect(faultOf({ items: [{ sku: 'a' }, { sku: 'b\u0000' }] })).toBe('event 1: data.items[1].sku has a NUL character or an unpaired surrogate');
    expect(faultOf({ total: { amount: Number.POSITIVE_INFINITY } })).toBe('event 1: data.total.amount is not a finite number');
    expect(faultOf({ at: new Date(0) })).toBe('event 1: data.at is not plain JSON');
    expect(faultOf({ note: undefined })).toBe('event 1: data.note is undefined, not JSON');
    // eslint-disable-next-line no-sparse-arrays -- the hole is what is checked
    expect(faultOf({ list: [1, , 3] })).toBe('event 1: data.list[1] is undefined, not JSON');
    expect(faultOf({ ok: true }, { nested: { ['k\uDC00']: 1 } })).toBe('event 1: metadata.nested has a key with a NUL or unpaired surrogate');
  });

  it('refuses JSON nested deeper than 100 levels', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 101; i++) deep = [deep];
    expect(faultOf({ deep })).toMatch(/^event 1: data\.deep(\[0\]){100} is nested too deep$/);
  });

  it('canonicalises what it accepts exactly as the canonicalize package, and refuses what validateEvents refuses', () => {
    const odd = fc.constantFrom<unknown>('\u0000', '\uD800', 'a\uDC00b', 'é😀', 'quote"back\\slash', Number.NaN, Number.POSITIVE_INFINITY, undefined, new Date(0), -0, 1e21);
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(value, odd), { maxKeys: 6 }), (data) => {
        let expected: string | undefined;
        try {
          validateEvents([event(data)], newId);
        } catch (error) {
          expected = (error as Error).message;
        }
        const texts: { data: string; metadata: string }[] = [];
        let actual: string | undefined;
        try {
          validateAndCanonicalise([event(data)], newId, texts);
        } catch (error) {
          actual = (error as Error).message;
        }
        expect(actual).toBe(expected);
        if (expected === undefined) expect(texts[0].data).toBe(canonicalize(data));
      }),
    );
  });

  it('accepts plain JSON of every kind', () => {
    expect(() => validateEvents([event({ s: 'é😀', n: -1.5, b: false, z: null, a: [[], {}], o: { p: { q: 'r' } } })], newId)).not.toThrow();
  });
});

describe('an ISO 8601 UTC instant with milliseconds', () => {
  /** The definition: a string Date reads and prints back unchanged (years 1900-9999). */
  const roundTrips = (text: string) => /^(19|[2-9]\d)\d\d-/.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString() === text;
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));

  it('is exactly what Date reads and prints back, on 5,000 candidates with out-of-range fields', () => {
    const candidate = fc
      .tuple(fc.integer({ min: 1800, max: 9999 }), two(14), two(32), two(25), two(61), two(61), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(
      fc.property(candidate, (text) => {
        expect(isIsoMillis(text)).toBe(roundTrips(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes leap days only in leap years, and refuses other shapes', () => {
    for (const text of ['2024-02-29T00:00:00.000Z', '2000-02-29T23:59:59.999Z', '1900-02-28T12:00:00.000Z']) expect(isIsoMillis(text)).toBe(true);
    for (const text of ['2026-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000+00:00', '1899-12-31T23:59:59.999Z', 42]) {
      expect(isIsoMillis(text)).toBe(false);
    }
  });
});
