/**
 * Conditions to MongoDB filters. Every value goes in under an operator ($eq, $in, $gt...), never
 * as a bare field value, so a caller's `{"$gt": ""}` is a literal that matches nothing instead
 * of an operator; field names were checked against the view's declared fields already.
 */
import type { Filter } from 'mongodb';
import { isScalar } from '../query';
import type { Condition } from '../read-store.port';

export type StoredDocument = { _id: string } & Record<string, unknown>;

/** A filter no document passes: for values that cannot equal any declared (scalar) field. */
const NOTHING: Filter<StoredDocument> = { _id: { $in: [] } };

export function conditionsFilter(where: readonly Condition[] = []): Filter<StoredDocument> {
  const clauses: Filter<StoredDocument>[] = where.map((condition) => {
    switch (condition.op) {
      case 'eq':
        return isScalar(condition.value) ? { [condition.field]: { $eq: condition.value } } : NOTHING;
      case 'in': {
        const values = condition.values.filter(isScalar);
        return { [condition.field]: { $in: values } };
      }
      default:
        return { [condition.field]: { [`$${condition.op}`]: condition.value } };
    }
  });
  return clauses.length > 0 ? { $and: clauses } : {};
}

/** Strictly after (sortValue, id) in the page's direction. */
export function keysetFilter(sortBy: string, direction: 'asc' | 'desc', [value, id]: [string | number, string]): Filter<StoredDocument> {
  const beyond = direction === 'asc' ? '$gt' : '$lt';
  return { $or: [{ [sortBy]: { [beyond]: value } }, { [sortBy]: { $eq: value }, _id: { [beyond]: id } }] };
}
