/**
 * Stored shape of view documents in MongoDB. Sealed envelopes carry a `$sealed` key, and
 * MongoDB restricts `$`-prefixed field names (refused in older servers, special in update
 * paths), so every key starting with `$` or the escape `~` itself gains a leading `~`; reads
 * undo it. Top-level view fields never start with either, so indexes and filters are unaffected.
 */
import type { JsonObject, JsonValue } from '@ordersource/event-store';

export function escapeKeys(value: JsonValue): JsonValue {
  // Most documents hold no such key: they are written as they are, uncopied (issue 18).
  return hasKeyToEscape(value) ? escapeAll(value) : value;
}

function hasKeyToEscape(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(hasKeyToEscape);
  if (value === null || typeof value !== 'object') return false;
  for (const key in value) if (key.startsWith('$') || key.startsWith('~') || hasKeyToEscape(value[key])) return true;
  return false;
}

function escapeAll(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(escapeAll);
  if (value === null || typeof value !== 'object') return value;
  const escaped: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) escaped[key.startsWith('$') || key.startsWith('~') ? `~${key}` : key] = escapeAll(inner);
  return escaped;
}

export function unescapeKeys(value: JsonValue): JsonValue {
  return hasEscapedKey(value) ? unescapeAll(value) : value;
}

function hasEscapedKey(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(hasEscapedKey);
  if (value === null || typeof value !== 'object') return false;
  for (const key in value) if (key.startsWith('~') || hasEscapedKey(value[key])) return true;
  return false;
}

function unescapeAll(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(unescapeAll);
  if (value === null || typeof value !== 'object') return value;
  const plain: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) plain[key.startsWith('~') ? key.slice(1) : key] = unescapeAll(inner);
  return plain;
}

/** Storage bookkeeping beside the view's fields: never part of an answer. */
export const HEAD_VERSION = '_v';
export const HEAD_EMPTY = '_empty';

export function fromStored(stored: Record<string, unknown>): JsonObject {
  const { _id: _ignoredId, [HEAD_VERSION]: _version, [HEAD_EMPTY]: _empty, ...fields } = stored;
  return unescapeKeys(fields as JsonObject) as JsonObject;
}
