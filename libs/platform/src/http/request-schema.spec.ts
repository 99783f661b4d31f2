import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { NO_CONTROL_CHARS, bodyValidator, queryValidator, storableDateTime } from './request-schema';
import { ProblemError } from './problem';

const body = bodyValidator<{ name: string; items: { qty: number }[] }>({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'items'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 5, pattern: NO_CONTROL_CHARS },
    items: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['qty'], properties: { qty: { type: 'integer', minimum: 1 } } } },
  },
});

function errorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return (error as ProblemError).errors;
  }
  throw new Error('expected a validation problem');
}

describe('request schemas', () => {
  it('trims strings before checking their length limits', () => {
    expect(body({ name: '  abcde  ', items: [] })).toEqual({ name: 'abcde', items: [] });
    expect(errorsOf(() => body({ name: '   ', items: [] }))).toEqual([{ path: 'name', message: 'must NOT have fewer than 1 characters' }]);
  });

  it('names every invalid field by its path, including unknown and missing ones', () => {
    expect(errorsOf(() => body({ name: 'x', items: [{ qty: 0 }, { qty: 1, extra: true }], other: 1 }))).toEqual(
      expect.arrayContaining([
        { path: 'other', message: 'is not a known field' },
        { path: 'items[0].qty', message: 'must be >= 1' },
        { path: 'items[1].extra', message: 'is not a known field' },
      ]),
    );
    expect(errorsOf(() => body({}))).toEqual(expect.arrayContaining([{ path: 'name', message: 'is required' }]));
  });

  it('refuses control characters anywhere in a string', () => {
    expect(errorsOf(() => body({ name: 'a\u0007b', items: [] }))).toEqual([{ path: 'name', message: 'must not contain control characters' }]);
  });

  it('coerces query scalars from text and refuses unknown parameters', () => {
    const query = queryValidator<{ limit?: number }>({ type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200 } } });
    expect(query({ limit: '20' })).toEqual({ limit: 20 });
    expect(errorsOf(() => query({ limit: '0' }))).toEqual([{ path: 'limit', message: 'must be >= 1' }]);
    expect(errorsOf(() => query({ 'customerId[$gt]': '' }))).toEqual([{ path: 'customerId[$gt]', message: 'is not a known field' }]);
  });

  it('refuses a query number that overflows to Infinity, which ajv lets pass integer and maximum (GET /alerts?limit=1e400 answered 500)', () => {
    const query = queryValidator<{ limit?: number; asOfVersion?: number[] }>({
      type: 'object',
      additionalProperties: false,
      properties: { limit: { type: 'integer', minimum: 1, maximum: 200 }, asOfVersion: { type: 'array', items: { type: 'number' } } },
    });
    for (const given of ['1e400', '-1e400']) expect(errorsOf(() => query({ limit: given }))).toEqual([{ path: 'limit', message: 'must be a finite number' }]);
    expect(errorsOf(() => query({ asOfVersion: ['1', '1e999'] }))).toEqual([{ path: 'asOfVersion', message: 'must be a finite number' }]);
    expect(query({ limit: '1e2' })).toEqual({ limit: 100 });
  });

  it('copies a body only where a string was trimmed, and never turns a __proto__ key into a prototype', () => {
    const clean = { name: 'abc', items: [{ qty: 1 }] };
    expect(body(clean)).toBe(clean);
    const padded = { name: 'abc', items: [{ qty: 1 }, { qty: 2 }], pad: ' x ' };
    const loose = bodyValidator<Record<string, unknown>>({ type: 'object' });
    const trimmed = loose(padded);
    expect(trimmed).toEqual({ name: 'abc', items: [{ qty: 1 }, { qty: 2 }], pad: 'x' });
    expect(padded.pad).toBe(' x ');
    expect(trimmed.items).toBe(padded.items);
    expect(errorsOf(() => body(JSON.parse('{"__proto__":{"name":"abc"},"name":"abc","items":[]}')))).toEqual([{ path: '__proto__', message: 'is not a known field' }]);
    // The same when the object is copied (a string before and after it trimmed).
    expect(errorsOf(() => body(JSON.parse('{"name":" abc ","__proto__":{"name":"abc"},"items":[]}')))).toEqual([{ path: '__proto__', message: 'is not a known field' }]);
    const copied = loose(JSON.parse('{"pad":" x ","__proto__":{"inherited":1}}'));
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.keys(copied)).toEqual(['pad', '__proto__']);
  });

  it('takes a UTC millisecond timestamp by its fast path exactly when the full RFC 3339 check does', () => {
    const format = addFormats.get('date-time', 'full');
    const full = typeof format === 'function' ? format : (format as { validate: (value: string) => boolean }).validate;
    const reference = (value: string) => full(value) && Number(value.slice(0, 4)) >= 1 && Number.isFinite(Date.parse(value));
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const stamp = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(13), two(32), two(25), two(61), two(61), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(fc.property(stamp, (value) => expect(storableDateTime(value)).toBe(reference(value))), { numRuns: 5_000 });
    for (const value of ['2024-02-29T23:59:59.999Z', '2023-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2024-06-30T23:59:60.000Z']) {
      expect(storableDateTime(value)).toBe(reference(value));
    }
  });
});
