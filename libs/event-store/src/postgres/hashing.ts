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
