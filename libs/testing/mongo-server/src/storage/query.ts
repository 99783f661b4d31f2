import type { Document } from 'bson';
import { find } from 'mingo';
import { asCommandError } from '../errors';

export interface QueryOptions {
  sort?: Document;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  projection?: Document;
}

/** The documents matching `filter`, with mingo's query, sort and projection semantics. */
export function runQuery(documents: Document[], filter: Document = {}, options: QueryOptions = {}): Document[] {
  try {
    const projection = options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined;
    let cursor = find(documents, withNullBracket(filter), projection);
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort as Record<string, 1 | -1>);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
    return cursor.all() as Document[];
  } catch (error) {
    throw asCommandError(error);
  }
}

/**
 * MongoDB compares null within its type bracket, where a missing field is null too: `$gte: null`
 * and `$lte: null` match null and missing fields alike. mingo matches only a stored null, so
 * those are rewritten to `$eq: null`, which mingo gets right. (Not applied inside `$match`.)
 */
export function withNullBracket(filter: Document): Document {
  const rewritten: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value)) {
      rewritten[key] = value.map((clause: Document) => withNullBracket(clause));
    } else if (!key.startsWith('$') && isOperatorObject(value)) {
      const operators: Document = {};
      for (const [operator, operand] of Object.entries(value)) {
        if ((operator === '$gte' || operator === '$lte') && operand === null && !('$eq' in value)) operators.$eq = null;
        else operators[operator] = operator === '$not' && isOperatorObject(operand) ? withNullBracket({ x: operand }).x : operand;
      }
      rewritten[key] = operators;
    } else {
      rewritten[key] = value;
    }
  }
  return rewritten;
}

function isOperatorObject(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));
}
