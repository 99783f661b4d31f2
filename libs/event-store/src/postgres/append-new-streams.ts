/**
 * appendToNewStreams: many new streams in one transaction (issue 12, the import of order
 * histories). A transaction per order pays a commit (a WAL flush) per order, which caps an import
 * far below what PostgreSQL inserts in multi-row statements; here a batch of orders shares one.
 * Same rules as appendToStream (append.ts): the streams are created first, so the transaction
 * id is taken while it queues behind any concurrent creator of the same stream (readAll's total
 * order is by transaction id), each stream's chain starts at its first event, the heads carry
 * the HMAC, and every value is validated before any I/O. A stream that already exists is left
 * untouched and named in `existing` (the caller decides whether that is a repeat or a conflict).
 * Three round trips per batch: (BEGIN; create the streams; read now()), (INSERT all events) and
 * (move the heads; COMMIT). The events travel as one JSON parameter (jsonb_to_recordset,
 * assembled from the canonical payloads without re-serialising, as the one-trip append does),
 * not as a multi-row VALUES list of escaped literals; the heads, a few kilobytes, as a literal.
 */
import type { QueryResult } from 'pg';
import { DuplicateEventIdError, InvalidAppendError } from '../errors';
import type { NewEvent } from '../event-store.port';
import { chain, prepareEvents, rowsJsonItems, type AppendContext } from './append';
import { headHmac } from './hashing';
import { sqlLiteral as lit } from './sql-literal';
import { assertStreamId } from './validation';

export interface NewStream {
  streamId: string;
  events: NewEvent[];
}

export interface NewStreamsResult {
  /** The streams this call created, with their version (= their event count). */
  created: { streamId: string; version: number }[];
  /** The streams that existed already: nothing was appended to them. */
  existing: string[];
}

const INSERT_EVENTS = `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
  SELECT e.id, e.sid, e.v, e.t, e.s, e.d, e.m, e.o, $1::timestamptz, e.p, e.h
  FROM jsonb_to_recordset($2::jsonb) AS e(sid text, id uuid, v integer, t text, s integer, d jsonb, m jsonb, o timestamptz, p text, h text)`;

export async function appendToNewStreams(context: AppendContext, streams: NewStream[]): Promise<NewStreamsResult> {
  if (streams.length === 0) return { created: [], existing: [] };
  const seen = new Set<string>();
  const prepared = streams.map(({ streamId, events }) => {
    assertStreamId(streamId);
    if (seen.has(streamId)) throw new InvalidAppendError('duplicate_stream', `stream ${streamId} appears twice in one batch`);
    seen.add(streamId);
    return { streamId, ...prepareEvents(events, context.maxPayloadBytes) };
  });

  const client = await context.pool.connect();
  let open = false;
  let broken: Error | undefined;
  try {
    const ids = prepared.map(({ streamId }) => `(${lit(streamId)}, 0)`).join(',');
    open = true;
    const lead = (await client.query(
      [
        'BEGIN',
        `INSERT INTO streams (stream_id, version) VALUES ${ids} ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id`,
        `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`,
      ].join(';\n'),
    )) as unknown as QueryResult[];
    const createdIds = new Set((lead[1].rows as { stream_id: string }[]).map((row) => row.stream_id));
    const recordedAt = (lead[2].rows[0] as { recorded_at: string }).recorded_at;
    const fresh = prepared.filter(({ streamId }) => createdIds.has(streamId));
    const existing = prepared.filter(({ streamId }) => !createdIds.has(streamId)).map(({ streamId }) => streamId);
    if (fresh.length === 0) {
      await client.query('ROLLBACK');
      open = false;
      return { created: [], existing };
    }

    const rows: string[] = [];
    const heads: string[] = [];
    for (const { streamId, validated, payloads } of fresh) {
      const { recorded, version, headHash } = chain(streamId, { version: 0, hash: null }, recordedAt, validated, payloads);
      rows.push(...rowsJsonItems(validated, payloads, recorded, true));
      heads.push(`{"sid":${JSON.stringify(streamId)},"v":${version},"h":"${headHash}","mac":"${headHmac(context.chainKey, streamId, version, headHash)}"}`);
    }
    // The events as a parameter: as an escaped literal inside a multi-statement text, the batch's
    // megabytes were copied twice more (escaping, joining) for one round trip saved (issue 12).
    // The brackets go on the first and last items so that join() gives the flat string pg encodes:
    // a `[${...}]` around it is a rope that Buffer.byteLength would copy flat once more.
    rows[0] = `[${rows[0]}`;
    rows[rows.length - 1] = `${rows[rows.length - 1]}]`;
    await client.query({ name: 'es_append_new_streams', text: INSERT_EVENTS, values: [recordedAt, rows.join(',')] });
    await client.query(
      [
        `UPDATE streams s SET version = h.v, head_hash = h.h, head_hmac = h.mac, updated_at = ${lit(recordedAt)}
           FROM jsonb_to_recordset(${lit(`[${heads.join(',')}]`)}::jsonb) AS h (sid text, v integer, h text, mac text) WHERE s.stream_id = h.sid`,
        'COMMIT',
      ].join(';\n'),
    );
    open = false;
    for (const { streamId, validated } of fresh) context.notify(JSON.stringify({ streamId, version: validated.length }));
    return { created: fresh.map(({ streamId, validated }) => ({ streamId, version: validated.length })), existing };
  } catch (error) {
    if (open) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'events_event_id_key') throw new DuplicateEventIdError(prepared.map(({ streamId }) => streamId).join(','));
    throw error;
  } finally {
    client.release(broken);
  }
}
