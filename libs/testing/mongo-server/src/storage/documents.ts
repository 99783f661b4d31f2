import { deserialize, ObjectId, serialize, type Document } from 'bson';
import { fromWire, toWire } from './bson-numbers';

/**
 * A deep copy that keeps BSON types (ObjectId, Date, Binary..., and the number types marked
 * beside plain numbers), which structuredClone does not.
 */
export function cloneDocument<T extends Document>(document: T): T {
  return fromWire(deserialize(serialize(toWire(document)), { promoteValues: false })) as T;
}

/** BSON equality: same bytes for the same values, as MongoDB compares them for "modified". */
export function sameDocument(left: Document, right: Document): boolean {
  if (surelyDifferent(left, right)) return false;
  return Buffer.from(serialize(left)).equals(serialize(right));
}

/**
 * True only where the bytes must differ: other top-level keys or key order, or a top-level
 * string, boolean or non-NaN number that differs (a different value serializes differently
 * whatever its BSON number type). Anything else is left to the byte comparison. Saves the two
 * serializations of a write that changes a field (a view head's version: issue 18).
 */
function surelyDifferent(left: Document, right: Document): boolean {
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  if (leftKeys.length !== rightKeys.length) return true;
  for (let index = 0; index < leftKeys.length; index += 1) {
    const key = leftKeys[index];
    if (key !== rightKeys[index]) return true;
    const a: unknown = left[key];
    const b: unknown = right[key];
    if (a === b) continue;
    if (typeof a === 'string' && typeof b === 'string') return true;
    if (typeof a === 'boolean' && typeof b === 'boolean') return true;
    if (typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) return true;
  }
  return false;
}

/**
 * A string equal for BSON-equal values, for use as a Map key (unique keys, distinct). A string,
 * or a list of strings (an index key), is keyed without serializing: BSON-equal to nothing but
 * itself, and `:` never occurs in the base64 of the other keys, so the two forms cannot meet.
 */
export function valueKey(value: unknown): string {
  if (typeof value === 'string') return `s:${value}`;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return `a:${JSON.stringify(value)}`;
  return Buffer.from(serialize({ v: value })).toString('base64');
}

export function sameValue(left: unknown, right: unknown): boolean {
  if (typeof left === 'string' && typeof right === 'string') return left === right;
  return sameDocument({ v: left }, { v: right });
}

/** Adds an ObjectId `_id` when missing and moves `_id` first, as mongod stores documents. */
export function withIdFirst(document: Document): Document {
  const { _id, ...rest } = document;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

/** The value at a dotted path; numeric segments index arrays. `undefined` when absent. */
export function valueAtPath(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function setAtPath(document: Document, path: string, value: unknown): void {
  const segments = path.split('.');
  let current: Document = document;
  for (const segment of segments.slice(0, -1)) {
    if (current[segment] === null || typeof current[segment] !== 'object') current[segment] = {};
    current = current[segment] as Document;
  }
  current[segments[segments.length - 1]] = value;
}

/** A short shell-like rendering of a value for error messages: `{ a: 1, b: "x" }`. */
export function renderValue(value: unknown): string {
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[ ${value.map(renderValue).join(', ')} ]`;
  if (value && typeof value === 'object' && !(value as { _bsontype?: string })._bsontype) {
    const entries = Object.entries(value).map(([key, item]) => `${key}: ${renderValue(item)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(value);
}
