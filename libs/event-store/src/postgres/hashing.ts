/**
 * The hash chain. An event's hash is sha-256 hex over the RFC 8785 canonical JSON of exactly
 * what is stored; the stream head carries an HMAC keyed by a secret that never enters the
 * database, so deleting a stream's tail and rewriting its head cannot be hidden.
 */
import { createHmac, hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonObject } from '../event-store.port';

export interface HashedFields {
  /** Covered too: an event's id is what consumers deduplicate and cite, so it must not move. */
  eventId: string;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: JsonObject;
  metadata: JsonObject;
  occurredAt: string;
  recordedAt: string;
  previousHash: string | null;
}

/** The reference definition, used by verifyIntegrity. */
export function eventHash(fields: HashedFields): string {
  const { eventId, streamId, version, type, schemaVersion, data, metadata, occurredAt, recordedAt, previousHash } = fields;
  const canonical = canonicalize({ eventId, streamId, version, type, schemaVersion, data, metadata, occurredAt, recordedAt, previousHash });
  if (canonical === undefined) throw new Error('event is not canonicalisable');
  return sha256(canonical);
}

/**
 * The same hash, assembled from data and metadata already canonicalised for the INSERT, so an
 * append canonicalises each payload once. RFC 8785 sorts keys by UTF-16 code units, which gives
 * the literal key order below; hashing.spec.ts proves it equals eventHash.
 */
export function eventHashFromCanonical(fields: Omit<HashedFields, 'data' | 'metadata'>, dataJson: string, metadataJson: string): string {
  const text =
    `{"data":${dataJson},"eventId":${JSON.stringify(fields.eventId)},"metadata":${metadataJson},"occurredAt":${JSON.stringify(fields.occurredAt)}` +
    `,"previousHash":${fields.previousHash === null ? 'null' : JSON.stringify(fields.previousHash)}` +
    `,"recordedAt":${JSON.stringify(fields.recordedAt)},"schemaVersion":${fields.schemaVersion}` +
    `,"streamId":${JSON.stringify(fields.streamId)},"type":${JSON.stringify(fields.type)},"version":${fields.version}}`;
  return sha256(text);
}

/**
 * RFC 8785 canonical JSON of a value that validation.ts already accepted as plain JSON (finite
 * numbers, no undefined, plain objects), equal to the `canonicalize` package's output for such
 * values (hashing.spec.ts) at about half its cost: keys sorted by UTF-16 code units (the
 * default sort), strings and numbers as JSON.stringify prints them.
 */
export function canonicalJsonOfValidated(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return PLAIN_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default: {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + canonicalJsonOfValidated(value[i]);
        return `${text}]`;
      }
      const object = value as Record<string, unknown>;
      const keys = sortedKeys(object);
      let text = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        text += `${i === 0 ? '' : ','}${quotedKey(key)}:${canonicalJsonOfValidated(object[key])}`;
      }
      return `${text}}`;
    }
  }
}

/**
 * Object.keys(object).sort(), sorted in place by insertion for the few keys an event's objects
 * have: Array.prototype.sort allocates its working state on every call, and on an import that was
 * a sixth of all the bytes allocated (issue 12). `<` compares by UTF-16 code units, as the
 * default sort and RFC 8785 do.
 */
export function sortedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * Keys come from a few shapes and repeat in every event: a lookup is a fraction of the test below
 * (bounded, so a stream of distinct keys cannot grow it without end).
 */
const quotedKeys = new Map<string, string>();
export function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = PLAIN_STRING.test(key) ? `"${key}"` : JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** Strings JSON.stringify prints as they are between quotes: no quote, backslash, control or surrogate. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what JSON escapes
export const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

export function canonicalJson(value: JsonObject): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value is not canonicalisable');
  return text;
}

export function headHmac(chainKey: string | Buffer, streamId: string, version: number, headHash: string | null): string {
  // canonicalJson({ streamId, version, headHash }), spelled out (hashing.spec.ts checks it).
  const text = `{"headHash":${headHash === null ? 'null' : JSON.stringify(headHash)},"streamId":${JSON.stringify(streamId)},"version":${version}}`;
  return createHmac('sha256', chainKey).update(text).digest('hex');
}

/** One-shot hash: a third of createHash().update().digest()'s cost on event-sized input. */
function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
