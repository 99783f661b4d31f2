/**
 * BSON number types, kept where JavaScript numbers lose them. Storage holds plain numbers, so
 * that mingo compares and computes with them (2 equals 2.0, as in MongoDB), but a number alone
 * cannot say whether the client sent an int32, an int64 or a double: 1.0 from pymongo (or a
 * driver's `Double`) came back as int 1, a `Long` as an int or a double, and `$type` followed
 * mingo, where every number is a 'double' and every integer a 'long'.
 *
 * So the containers (objects and arrays) of numbers whose type a plain number would not give
 * back carry a mark under a symbol: an integral double, any int64. A plain number is an int32
 * when integral and in range, else a double, which is what BSON serialization gives it. A mark
 * names the number it was made for and is ignored once the slot holds another (an operator
 * update wrote there): self-checking, so no update path has to clear it. The symbol is
 * enumerable so spreads and `{_id, ...rest}` keep it; BSON serialization and mingo skip symbols.
 */
import { Double, Long, type Document } from 'bson';
import { MongoCommandError } from '../errors';

export type BsonNumberType = 'int' | 'long' | 'double';

const MARKS = Symbol('bsonNumberTypes');

interface Mark {
  type: 'long' | 'double';
  value: number | Long;
}

type Container = (Document | unknown[]) & { [MARKS]?: Record<string, Mark> };

function isContainer(value: unknown): value is Container {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function mark(container: Container, key: string, type: Mark['type'], value: number | Long): void {
  (container[MARKS] ??= {})[key] = { type, value };
}

/** The mark of a slot, when it still holds the number it was made for. */
function markOf(container: Container, key: string): Mark['type'] | undefined {
  const found = container[MARKS]?.[key];
  return found && (container as Record<string, unknown>)[key] === found.value ? found.type : undefined;
}

/**
 * A document deserialized with `promoteValues: false` in storage form: Int32 and Double become
 * numbers, a Long a number when it fits (else it stays a Long, as `promoteLongs` does), each
 * integral double and each int64 marked; BSONSymbol becomes a string. In place; returns it.
 */
export function fromWire<T>(value: T): T {
  if (!isContainer(value)) return value;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const slot = value as Record<string, unknown>;
    const bsontype = (item as { _bsontype?: string } | null)?._bsontype;
    if (bsontype === 'Int32') slot[key] = (item as { value: number }).value;
    else if (bsontype === 'Double') {
      const number = (item as Double).value;
      slot[key] = number;
      if (Number.isInteger(number)) mark(value, key, 'double', number);
    } else if (bsontype === 'Long') {
      const long = item as Long;
      const fits = long.lessThanOrEqual(Number.MAX_SAFE_INTEGER) && long.greaterThanOrEqual(Number.MIN_SAFE_INTEGER);
      slot[key] = fits ? long.toNumber() : long;
      mark(value, key, 'long', slot[key] as number | Long);
    } else if (bsontype === 'BSONSymbol') slot[key] = String((item as { value: string }).value);
    else fromWire(item);
  }
  return value;
}

/**
 * For BSON serialization: marked numbers as `Double` / `Long` again, in a copy; the value itself
 * when nothing in it is marked (most documents), as serializing does not change it (issue 18:
 * the copy was a large part of a find reply's cost).
 */
export function toWire<T>(value: T): T {
  return hasMark(value) ? withWireNumbers(value) : value;
}

function hasMark(value: unknown): boolean {
  if (!isContainer(value)) return false;
  if (value[MARKS] !== undefined) return true;
  if (Array.isArray(value)) return value.some(hasMark);
  for (const key in value) if (hasMark((value as Record<string, unknown>)[key])) return true;
  return false;
}

function withWireNumbers<T>(value: T): T {
  if (!isContainer(value)) return value;
  const marks = value[MARKS];
  const wire = (key: string, item: unknown): unknown => {
    const type = marks ? markOf(value, key) : undefined;
    if (type === 'double') return new Double(item as number);
    if (type === 'long') return typeof item === 'number' ? Long.fromNumber(item) : item;
    return withWireNumbers(item);
  };
  if (Array.isArray(value)) return value.map((item, index) => wire(String(index), item)) as T;
  const copy: Document = {};
  for (const [key, item] of Object.entries(value)) copy[key] = wire(key, item);
  return copy as T;
}

/** Carries the mark of `from[fromKey]` to `to[toKey]` (an update's operand stored in a document). */
export function copyMark(from: unknown, fromKey: string, to: unknown, toKey: string): void {
  if (!isContainer(from) || !isContainer(to)) return;
  const type = markOf(from, fromKey);
  if (type) mark(to, toKey, type, (to as Record<string, unknown>)[toKey] as number | Long);
}

/** MongoDB's type name (the `$type` alias) of `container[key]`. */
export function bsonTypeAt(container: unknown, key: string): string {
  const value = (container as Record<string, unknown>)[key];
  if (typeof value === 'number' && isContainer(container)) {
    return markOf(container, key) ?? (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff ? 'int' : 'double');
  }
  return bsonTypeOf(value);
}

/** MongoDB's type name of a value out of its container (a number by its value alone). */
export function bsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (typeof value === 'number') return Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff ? 'int' : 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  const bsontype = (value as { _bsontype?: string })._bsontype;
  const names: Record<string, string> = {
    ObjectId: 'objectId',
    Binary: 'binData',
    Long: 'long',
    Int32: 'int',
    Double: 'double',
    Decimal128: 'decimal',
    Timestamp: 'timestamp',
    MinKey: 'minKey',
    MaxKey: 'maxKey',
    BSONRegExp: 'regex',
    Code: 'javascript',
    BSONSymbol: 'symbol',
    DBRef: 'object',
  };
  if (bsontype) return names[bsontype] ?? bsontype.toLowerCase();
  return 'object';
}

const TYPE_CODES: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  13: 'javascript',
  14: 'symbol',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};
const TYPE_NAMES = new Set([...Object.values(TYPE_CODES), 'number']);
const NUMBER_TYPES = new Set(['int', 'long', 'double', 'decimal']);

/** The type names a `$type` operand asks for; MongoDB's BadValue (2) messages for bad ones. */
export function typeNamesOf(operand: unknown): string[] {
  return (Array.isArray(operand) ? operand : [operand]).map((item) => {
    if (typeof item === 'string') {
      if (!TYPE_NAMES.has(item)) throw new MongoCommandError('BadValue', `Unknown type name alias: ${item}`);
      return item;
    }
    if (typeof item === 'number' && Number.isInteger(item) && TYPE_CODES[item]) return TYPE_CODES[item];
    throw new MongoCommandError('BadValue', `Invalid numerical type code: ${String(item)}`);
  });
}

/** The type names of the values at a dotted path, arrays traversed as MongoDB does. */
export function typesAtPath(document: unknown, path: string): Set<string> {
  const found = new Set<string>();
  const segments = path.split('.');
  const visit = (container: unknown, key: string, depth: number): void => {
    const value = (container as Record<string, unknown>)[key];
    if (value === undefined) return;
    if (depth === segments.length) {
      found.add(bsonTypeAt(container, key));
      if (Array.isArray(value)) value.forEach((_, index) => found.add(bsonTypeAt(value, String(index))));
      return;
    }
    const next = segments[depth];
    if (Array.isArray(value)) {
      if (/^\d+$/.test(next)) visit(value, next, depth + 1);
      for (const item of value) if (isContainer(item) && !Array.isArray(item)) visit(item, next, depth + 1);
    } else if (isContainer(value)) visit(value, next, depth + 1);
  };
  if (isContainer(document)) visit(document, segments[0], 1);
  return found;
}

/** Whether the types found match the names asked for ('number' is any numeric type). */
export function typeMatches(found: Set<string>, names: string[]): boolean {
  return names.some((name) => (name === 'number' ? [...found].some((type) => NUMBER_TYPES.has(type)) : found.has(name)));
}
