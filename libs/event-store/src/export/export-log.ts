/**
 * exportLog: every event recorded up to `until`, with its chain, each stream's head and a signed
 * manifest, written as it is read. One REPEATABLE READ snapshot makes the file a consistent cut;
 * keyset pages over the primary key keep memory flat (one page and one stream's link at a time).
 *
 * Events are copied as stored, never recomputed: a tampered row stays tampered in the file, so
 * its verification names it, and an export never launders a broken chain into a signed one.
 * A head is copied from `streams` when the export reaches it; only a stream cut by `until`
 * (events after it exist) gets a head HMAC computed here, for the version the cut ends at.
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import { headHmac } from '../postgres/hashing';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, assertTableName, signManifest, type ExportHeader, type ExportManifest } from './export-format';

const PAGE = 5000;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export interface ExportProgress {
  events: number;
  /** Events at or before `until` when the export started (the bar's total). */
  total: number;
}

export interface ExportOptions {
  /** Default: the snapshot's own time (now). */
  until?: Date;
  /** Side tables copied whole into the file (e.g. `customer_keys`: wrapped keys, safe to carry). */
  tables?: string[];
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportSummary {
  manifest: ExportManifest;
  bytes: number;
}

interface EventRow {
  stream_id: string;
  version: number;
  position: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  occurred_at: string;
  recorded_at: string;
  previous_hash: string | null;
  hash: string;
}

interface HeadRow {
  stream_id: string;
  version: number;
  head_hash: string | null;
  head_hmac: string | null;
}

export async function exportLog(pool: Pool, chainKey: string | Buffer, out: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  for (const table of options.tables ?? []) assertTableName(table);
  const client = await pool.connect();
  const digest = createHash('sha256');
  let bytes = 0;
  const write = async (text: string) => {
    digest.update(text);
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const clock = await client.query<{ now: string; until: string }>(
      `SELECT to_char(now() AT TIME ZONE 'UTC', ${ISO}) AS now, to_char(LEAST(COALESCE($1::timestamptz, now()), now()) AT TIME ZONE 'UTC', ${ISO}) AS until`,
      [options.until?.toISOString() ?? null],
    );
    const { now: createdAt, until } = clock.rows[0];
    const total = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE recorded_at <= $1', [until])).rows[0].n);
    const header: ExportHeader = { kind: 'header', format: EXPORT_FORMAT, formatVersion: EXPORT_FORMAT_VERSION, createdAt, until };
    await write(`${JSON.stringify(header)}\n`);

    let events = 0;
    let streams = 0;
    let lastPosition = 0n;
    let open: { streamId: string; version: number; hash: string } | undefined;
    const heads = new Map<string, HeadRow>();
    const closeStream = async () => {
      if (!open) return;
      await write(`${JSON.stringify(await headFor(client, chainKey, open, heads.get(open.streamId), until))}\n`);
      heads.delete(open.streamId);
      streams += 1;
      open = undefined;
    };

    let after: [string, number] = ['', 0];
    for (;;) {
      const { rows } = await client.query<EventRow>(
        `SELECT stream_id, version, position::text AS position, event_id::text AS event_id, type, schema_version,
           data::text AS data, metadata::text AS metadata,
           to_char(occurred_at AT TIME ZONE 'UTC', ${ISO}) AS occurred_at, to_char(recorded_at AT TIME ZONE 'UTC', ${ISO}) AS recorded_at,
           previous_hash, hash
         FROM events WHERE (stream_id, version) > ($1, $2) AND recorded_at <= $3
         ORDER BY stream_id, version LIMIT $4`,
        [after[0], after[1], until, PAGE],
      );
      if (rows.length === 0) break;
      const missing = [...new Set(rows.map((row) => row.stream_id))].filter((id) => !heads.has(id));
      const loaded = await client.query<HeadRow>('SELECT stream_id, version, head_hash, head_hmac FROM streams WHERE stream_id = ANY($1)', [missing]);
      for (const row of loaded.rows) heads.set(row.stream_id, row);
      let chunk = '';
      for (const row of rows) {
        if (open && open.streamId !== row.stream_id) {
          await write(chunk);
          chunk = '';
          await closeStream();
        }
        chunk += eventLine(row);
        open = { streamId: row.stream_id, version: row.version, hash: row.hash };
        events += 1;
        const position = BigInt(row.position);
        if (position > lastPosition) lastPosition = position;
      }
      await write(chunk);
      options.onProgress?.({ events, total });
      const last = rows[rows.length - 1];
      after = [last.stream_id, last.version];
    }
    await closeStream();

    const rowCounts: Record<string, number> = {};
    for (const table of options.tables ?? []) rowCounts[table] = await exportTable(client, table, write);
    await client.query('COMMIT');

    const body: Omit<ExportManifest, 'signature'> = {
      kind: 'manifest',
      formatVersion: EXPORT_FORMAT_VERSION,
      createdAt,
      until,
      events,
      streams,
      rows: rowCounts,
      lastPosition: lastPosition.toString(),
      digest: digest.digest('hex'),
    };
    const manifest: ExportManifest = { ...body, signature: signManifest(chainKey, body) };
    const line = `${JSON.stringify(manifest)}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
    options.onProgress?.({ events, total });
    return { manifest, bytes };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The stored JSON text of data and metadata is embedded as it is: no parse, no re-serialisation. */
function eventLine(row: EventRow): string {
  return (
    `{"kind":"event","eventId":${JSON.stringify(row.event_id)},"streamId":${JSON.stringify(row.stream_id)},"version":${row.version}` +
    `,"position":${JSON.stringify(row.position)},"type":${JSON.stringify(row.type)},"schemaVersion":${row.schema_version}` +
    `,"data":${row.data},"metadata":${row.metadata},"occurredAt":${JSON.stringify(row.occurred_at)},"recordedAt":${JSON.stringify(row.recorded_at)}` +
    `,"previousHash":${row.previous_hash === null ? 'null' : JSON.stringify(row.previous_hash)},"hash":${JSON.stringify(row.hash)}}\n`
  );
}

async function headFor(client: PoolClient, chainKey: string | Buffer, open: { streamId: string; version: number; hash: string }, stored: HeadRow | undefined, until: string) {
  const copied = { kind: 'head' as const, streamId: open.streamId, version: stored?.version ?? 0, headHash: stored?.head_hash ?? null, headHmac: stored?.head_hmac ?? null };
  if (!stored || stored.version <= open.version) return copied;
  // The head is further on: legitimate only when the next event exists and was recorded after `until`.
  const next = await client.query('SELECT 1 FROM events WHERE stream_id = $1 AND version = $2 AND recorded_at > $3', [open.streamId, open.version + 1, until]);
  if (next.rowCount === 0) return copied; // events are missing: the file says so, and its verification refuses it
  return { kind: 'head' as const, streamId: open.streamId, version: open.version, headHash: open.hash, headHmac: headHmac(chainKey, open.streamId, open.version, open.hash) };
}

async function exportTable(client: PoolClient, table: string, write: (text: string) => Promise<void>): Promise<number> {
  const exists = await client.query('SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1', [table]);
  if (exists.rowCount === 0) return 0;
  // Side tables are small (one row per customer); a keyset over ctid would be needed for large ones.
  const { rows } = await client.query<{ line: string }>(`SELECT json_build_object('kind', 'row', 'table', $1::text, 'row', row_to_json(t))::text AS line FROM "${table}" t`, [table]);
  let chunk = '';
  for (const row of rows) chunk += `${row.line}\n`;
  await write(chunk);
  return rows.length;
}
