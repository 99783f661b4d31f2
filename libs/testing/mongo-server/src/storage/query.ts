import type { Document } from 'bson';
import { Context, find } from 'mingo';
import { asCommandError } from '../errors';
import { typeMatches, typeNamesOf, typesAtPath } from './bson-numbers';

export interface QueryOptions {
  sort?: Document;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  projection?: Document;
}

/** The documents matching `filter`, with mingo's query, sort and projection semantics. */
export function runQuery(documents: Document[], filter: Document = {}, options: QueryOptions = {}): Document[] {
  const plain = options.sort || options.skip || options.projection ? undefined : plainEqualityMatch(documents, filter, options.limit);
  if (plain) return plain;
  try {
    const projection = options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined;
    let cursor = find(documents, forMingo(filter), projection, { context: QUERY_CONTEXT });
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort as Record<string, 1 | -1>);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
    return cursor.all() as Document[];
  } catch (error) {
    throw asCommandError(error);
  }
}

/**
 * The common write filter ({_id: x, _v: n}: top-level equality on strings, finite numbers and
 * booleans) and the heads' read ({_id: {$in: [strings]}}) matched without compiling a mingo
 * query per statement, which was most of the double's cost per write (issue 18's projection
 * benchmark). Undefined (mingo decides) when the filter is anything else or a document holds an
 * array, object, bigint or BSON value there, where MongoDB's equality is more than ===.
 */
function plainEqualityMatch(documents: Document[], filter: Document, limit: number | undefined): Document[] | undefined {
  const entries = Object.entries(filter);
  if (entries.length === 0) return undefined;
  const tests: [string, (stored: unknown) => boolean][] = [];
  for (const [key, value] of entries) {
    if (key.startsWith('$') || key.includes('.')) return undefined;
    const strings = stringsIn(value);
    if (strings) tests.push([key, (stored) => typeof stored === 'string' && strings.has(stored)]);
    else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) tests.push([key, (stored) => stored === value]);
    else return undefined;
  }
  const matched: Document[] = [];
  for (const document of documents) {
    let matches = true;
    for (const [key, test] of tests) {
      const stored: unknown = document[key];
      if (test(stored)) continue;
      if ((typeof stored === 'object' && stored !== null) || typeof stored === 'bigint') return undefined;
      matches = false;
      break;
    }
    if (!matches) continue;
    matched.push(document);
    if (limit && matched.length >= Math.abs(limit)) break;
  }
  return matched;
}

/** The strings of `{$in: [...]}` when that is all the operand holds and every one is a string. */
function stringsIn(value: unknown): Set<string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const list = (value as Document).$in;
  if (keys.length !== 1 || keys[0] !== '$in' || !Array.isArray(list) || !list.every((item) => typeof item === 'string')) return undefined;
  return new Set(list as string[]);
}

/**
 * `$type` by BSON type (bson-numbers.ts): mingo's own takes every number for a 'double' and every
 * integer for a 'long'. mingo's built-in operators win over a context's, so filters name this one
 * `$bsonType` (`forMingo` renames it), in `find` and in `$match` stages (read-commands.ts).
 */
function $bsonType(selector: string, operand: unknown): (document: unknown) => boolean {
  const names = typeNamesOf(operand);
  return (document) => typeMatches(typesAtPath(document, selector), names);
}
// mingo types its operator table by the union of its own operators' signatures.
export const QUERY_CONTEXT = Context.init({ query: { $bsonType } as unknown as NonNullable<Parameters<typeof Context.init>[0]>['query'] });

/**
 * A filter in the form mingo answers as MongoDB would: `$type` renamed (above) and, outside
 * `$match` stages, null's type bracket: MongoDB compares null within it, where a missing field
 * is null too, so `$gte: null` and `$lte: null` match null and missing fields alike. mingo
 * matches only a stored null, so those are rewritten to `$eq: null`, which mingo gets right.
 */
export function forMingo(filter: Document, nullBracket = true): Document {
  const rewritten: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value)) {
      rewritten[key] = value.map((clause: Document) => forMingo(clause, nullBracket));
    } else if (!key.startsWith('$') && isOperatorObject(value)) {
      const operators: Document = {};
      for (const [operator, operand] of Object.entries(value)) {
        if (nullBracket && (operator === '$gte' || operator === '$lte') && operand === null && !('$eq' in value)) operators.$eq = null;
        else if (operator === '$type') operators.$bsonType = operand;
        else if (operator === '$not' && isOperatorObject(operand)) operators.$not = forMingo({ x: operand }, nullBracket).x;
        else if (operator === '$elemMatch' && operand && typeof operand === 'object' && !Array.isArray(operand)) {
          operators.$elemMatch = isOperatorObject(operand) ? forMingo({ x: operand }, nullBracket).x : forMingo(operand as Document, nullBracket);
        } else operators[operator] = operand;
      }
      rewritten[key] = operators;
    } else {
      rewritten[key] = value;
    }
  }
  return rewritten;
}

/** A pipeline whose `$match` stages name `$type` as `forMingo` does (no null bracket there). */
export function pipelineForMingo(pipeline: Document[]): Document[] {
  return pipeline.map((stage) => (stage.$match && typeof stage.$match === 'object' ? { ...stage, $match: forMingo(stage.$match as Document, false) } : stage));
}

function isOperatorObject(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));
}
