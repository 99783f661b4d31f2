import fc from 'fast-check';
import { Long, type Document } from 'bson';
import { find } from 'mingo';
import { runQuery } from './query';

/** What mingo alone answers: the reference the plain-equality path must agree with. */
function byMingo(documents: Document[], filter: Document, limit?: number): Document[] {
  let cursor = find(documents, filter);
  if (limit) cursor = cursor.limit(limit);
  return cursor.all() as Document[];
}

const scalar = fc.oneof(fc.constantFrom('a', 'b', '', '1'), fc.integer({ min: -2, max: 2 }), fc.constantFrom(0.5, -0, true, false));
// Objects with a prototype, as BSON deserializes them (mingo's $in cannot hash null-prototype ones).
const object = fc.record({ x: scalar }).map((record) => ({ ...record }));
const stored = fc.oneof(scalar, fc.constant(null), fc.constant(undefined), fc.array(scalar, { maxLength: 3 }), object, fc.constant(Long.fromNumber(1)));
const fields = ['_id', '_v', 'status'];

describe('runQuery', () => {
  it('answers top-level equality and string $in filters exactly as mingo does (3,000 random collections and filters, arrays, nulls, missing fields and BSON values included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ _id: stored, _v: stored, status: stored }, { requiredKeys: [] }), { maxLength: 6 }),
        // A field's operand: a scalar, or `$in` of strings (the heads' read), both on the plain path.
        fc.dictionary(fc.constantFrom(...fields), fc.oneof(scalar, fc.array(fc.constantFrom('a', 'b', '', '1'), { maxLength: 3 }).map((list) => ({ $in: list }))), { minKeys: 1, maxKeys: 3 }),
        fc.constantFrom(undefined, 1),
        (documents, filter, limit) => {
          expect(runQuery(documents, filter, { limit })).toEqual(byMingo(documents, filter, limit));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
