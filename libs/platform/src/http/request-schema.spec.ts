import { NO_CONTROL_CHARS, bodyValidator, queryValidator } from './request-schema';
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
});
