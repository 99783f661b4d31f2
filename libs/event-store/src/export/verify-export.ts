/**
 * verifyExport: checks an export offline (no database), streaming: every event's hash over its
 * stored form, every chain link, every head's version, hash and HMAC, the counts, the digest of
 * the bytes and the manifest's signature. The first failure is named by line and, for an event,
 * by stream, version and position, so an operator knows which event was edited.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { timingSafeEqual } from 'node:crypto';
import { eventHash, headHmac } from '../postgres/hashing';
import type { JsonObject } from '../event-store.port';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, readLines, signManifest, type ExportedEvent, type ExportLine, type ExportManifest } from './export-format';

export interface BrokenExport {
  line: number;
  reason: string;
  streamId?: string;
  version?: number;
  position?: string;
  eventId?: string;
}

export interface ExportVerification {
  ok: boolean;
  events: number;
  streams: number;
  rows: number;
  bytes: number;
  manifest?: ExportManifest;
  firstBroken?: BrokenExport;
}

export interface VerifyProgress {
  bytes: number;
  totalBytes: number;
  events: number;
}

export interface VerifyOptions {
  onProgress?: (progress: VerifyProgress) => void;
  /** Called with each verified line, in order (restore and repair read the file in the same pass). */
  onLine?: (line: ExportLine, number: number) => void | Promise<void>;
}

export async function verifyExport(file: string, chainKey: string | Buffer, options: VerifyOptions = {}): Promise<ExportVerification> {
  const totalBytes = (await stat(file)).size;
  const digest = createHash('sha256');
  const result: ExportVerification = { ok: false, events: 0, streams: 0, rows: 0, bytes: 0 };
  const rowCounts: Record<string, number> = {};
  let open: { streamId: string; version: number; hash: string | null } | undefined;
  let closed = true;
  let lastPosition = 0n;
  let header = false;
  let lastReport = 0;
  const fail = (broken: BrokenExport): ExportVerification => ({ ...result, ok: false, firstBroken: broken });

  for await (const { number, text, offset } of readLines(file)) {
    result.bytes = offset + Buffer.byteLength(text) + 1;
    if (result.bytes - lastReport >= 1 << 20) {
      lastReport = result.bytes;
      options.onProgress?.({ bytes: result.bytes, totalBytes, events: result.events });
    }
    if (result.manifest) return fail({ line: number, reason: 'content after the manifest' });
    let line: ExportLine;
    try {
      line = JSON.parse(text) as ExportLine;
    } catch {
      return fail({ line: number, reason: 'not JSON' });
    }
    if (!header) {
      if (line?.kind !== 'header' || line.format !== EXPORT_FORMAT || line.formatVersion !== EXPORT_FORMAT_VERSION) {
        return fail({ line: number, reason: `not an ${EXPORT_FORMAT} v${EXPORT_FORMAT_VERSION} file` });
      }
      header = true;
    } else if (line?.kind === 'event') {
      const at = { line: number, streamId: line.streamId, version: line.version, position: line.position, eventId: line.eventId };
      const shapeProblem = eventShapeProblem(line);
      if (shapeProblem) return fail({ ...at, reason: shapeProblem });
      if (!open || open.streamId !== line.streamId) {
        if (!closed) return fail({ ...at, reason: `stream ${open?.streamId} ends without its head` });
        open = { streamId: line.streamId, version: 0, hash: null };
        closed = false;
      }
      if (line.version !== open.version + 1) return fail({ ...at, reason: `version ${line.version} follows ${open.version}: events are missing` });
      if (line.previousHash !== open.hash) return fail({ ...at, reason: 'previousHash does not link to the preceding event' });
      if (eventHash(line) !== line.hash) return fail({ ...at, reason: 'hash does not match the event (edited)' });
      open = { streamId: line.streamId, version: line.version, hash: line.hash };
      const position = BigInt(line.position);
      if (position > lastPosition) lastPosition = position;
      result.events += 1;
    } else if (line?.kind === 'head') {
      const at = { line: number, streamId: line.streamId, version: line.version };
      if (!open || closed || open.streamId !== line.streamId) return fail({ ...at, reason: 'head without its stream' });
      if (line.version !== open.version) return fail({ ...at, reason: `head says version ${line.version}, the stream ends at ${open.version}` });
      if (line.headHash !== open.hash) return fail({ ...at, reason: 'head hash does not match the last event' });
      if (typeof line.headHmac !== 'string' || !sameHex(line.headHmac, headHmac(chainKey, line.streamId, line.version, line.headHash))) {
        return fail({ ...at, reason: 'head HMAC is invalid (wrong chain key, or the head was rewritten)' });
      }
      closed = true;
      result.streams += 1;
    } else if (line?.kind === 'row') {
      if (!closed) return fail({ line: number, reason: `stream ${open?.streamId} ends without its head` });
      if (typeof line.table !== 'string' || typeof line.row !== 'object' || line.row === null) return fail({ line: number, reason: 'malformed row' });
      rowCounts[line.table] = (rowCounts[line.table] ?? 0) + 1;
      result.rows += 1;
    } else if (line?.kind === 'manifest') {
      if (!closed) return fail({ line: number, reason: `stream ${open?.streamId} ends without its head` });
      const problem = manifestProblem(line, chainKey, digest.digest('hex'), { events: result.events, streams: result.streams, rowCounts, lastPosition });
      if (problem) return fail({ line: number, reason: problem });
      result.manifest = line;
      await options.onLine?.(line, number);
      continue;
    } else {
      return fail({ line: number, reason: 'unknown line kind' });
    }
    digest.update(text);
    digest.update('\n');
    await options.onLine?.(line, number);
  }
  options.onProgress?.({ bytes: result.bytes, totalBytes, events: result.events });
  if (!header) return fail({ line: 1, reason: 'empty file' });
  if (!result.manifest) return fail({ line: 0, reason: 'the manifest is missing: the file is truncated' });
  return { ...result, ok: true };
}

function eventShapeProblem(event: ExportedEvent): string | undefined {
  if (typeof event.streamId !== 'string' || typeof event.eventId !== 'string' || typeof event.type !== 'string') return 'malformed event';
  if (!Number.isSafeInteger(event.version) || !Number.isSafeInteger(event.schemaVersion)) return 'malformed event';
  if (typeof event.position !== 'string' || !/^\d{1,19}$/.test(event.position)) return 'malformed event position';
  if (!isObject(event.data) || !isObject(event.metadata)) return 'malformed event';
  if (typeof event.occurredAt !== 'string' || typeof event.recordedAt !== 'string' || typeof event.hash !== 'string') return 'malformed event';
  return undefined;
}

function manifestProblem(
  manifest: ExportManifest,
  chainKey: string | Buffer,
  digest: string,
  seen: { events: number; streams: number; rowCounts: Record<string, number>; lastPosition: bigint },
): string | undefined {
  if (typeof manifest.signature !== 'string' || !sameHex(manifest.signature, signManifest(chainKey, manifest))) {
    return 'manifest signature is invalid (wrong chain key, or the manifest was edited)';
  }
  if (manifest.digest !== digest) return 'the file does not match its manifest digest (lines were edited, added, removed or reordered)';
  if (manifest.events !== seen.events || manifest.streams !== seen.streams) {
    return `manifest counts ${manifest.events} events in ${manifest.streams} streams, the file holds ${seen.events} in ${seen.streams}`;
  }
  if (manifest.lastPosition !== seen.lastPosition.toString()) return 'manifest lastPosition does not match the events';
  const tables = new Set([...Object.keys(manifest.rows ?? {}), ...Object.keys(seen.rowCounts)]);
  for (const table of tables) {
    if ((manifest.rows?.[table] ?? 0) !== (seen.rowCounts[table] ?? 0)) return `manifest row count of ${table} does not match the file`;
  }
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
