/**
 * The export file (issue 13): NDJSON, one object per line, so every step streams.
 *
 *   {"kind":"header", format, formatVersion, createdAt, until}
 *   {"kind":"event", ...the stored form, exactly what the hash covers}   per stream, in version order
 *   {"kind":"head", streamId, version, headHash, headHmac}              after each stream's last event
 *   {"kind":"row", table, row}                                          side tables (e.g. wrapped customer keys)
 *   {"kind":"manifest", counts, digest, signature}                      last line
 *
 * Events are grouped by stream (keyset order of the primary key), not in log order: a verifier
 * then checks each chain holding one stream's link at a time, so export, verify and restore all
 * run in constant memory however many streams the log holds. The manifest's `digest` is the
 * sha-256 of every byte before it and its `signature` an HMAC with the chain key, so any edit,
 * cut or reordering of the file is refused even where the chains alone would not notice.
 */
import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { canonicalJson } from '../postgres/hashing';
import type { JsonObject, RecordedEvent } from '../event-store.port';

export const EXPORT_FORMAT = 'ordersource-export';
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportHeader {
  kind: 'header';
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  createdAt: string;
  /** Every event recorded at or before this instant is in the file. */
  until: string;
}

/** An event as stored (before upcasting): the hash covers exactly these fields. */
export type ExportedEvent = { kind: 'event' } & Omit<RecordedEvent, never>;

export interface ExportedHead {
  kind: 'head';
  streamId: string;
  version: number;
  headHash: string | null;
  headHmac: string | null;
}

export interface ExportedRow {
  kind: 'row';
  table: string;
  row: JsonObject;
}

export interface ExportManifest {
  kind: 'manifest';
  formatVersion: number;
  createdAt: string;
  until: string;
  events: number;
  streams: number;
  rows: Record<string, number>;
  /** Highest position exported ("0" when none). */
  lastPosition: string;
  /** sha-256 hex over every byte of the file before this line. */
  digest: string;
  signature: string;
}

export type ExportLine = ExportHeader | ExportedEvent | ExportedHead | ExportedRow | ExportManifest;

/** HMAC with the chain key, domain-separated from the stream heads' HMAC. */
export function signManifest(chainKey: string | Buffer, manifest: Omit<ExportManifest, 'signature'>): string {
  const { kind, formatVersion, createdAt, until, events, streams, rows, lastPosition, digest } = manifest;
  const body = canonicalJson({ kind, formatVersion, createdAt, until, events, streams, rows, lastPosition, digest });
  return createHmac('sha256', chainKey).update(`${EXPORT_FORMAT}/${EXPORT_FORMAT_VERSION}\n${body}`).digest('hex');
}

/** Table names a caller may ask to carry as side rows: plain identifiers only. */
export function assertTableName(table: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`"${table}" is not a plain table name`);
}

export interface FileLine {
  /** 1-based line number. */
  number: number;
  text: string;
  /** Bytes of the file before this line. */
  offset: number;
}

/** The file's lines, streamed; each line's text excludes its newline. */
export async function* readLines(file: string): AsyncGenerator<FileLine> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  let offset = 0;
  try {
    for await (const text of lines) {
      number += 1;
      yield { number, text, offset };
      offset += Buffer.byteLength(text) + 1;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
