/**
 * verifyIntegrity: walks events in (stream_id, version) order in keyset batches, so memory stays
 * flat on big logs, recomputing each hash over the stored form and the chain links, then checks
 * each stream head (version, hash, HMAC). Also catches streams whose events all vanished and
 * events whose stream row vanished.
 */
import type { Pool } from 'pg';
import type { IntegrityReport } from '../event-store.port';
import { eventHash, headHmac } from './hashing';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './read';
import { assertStreamId } from './validation';

const BATCH = 2000;

interface StreamHead {
  stream_id: string;
  version: number;
  head_hash: string | null;
  head_hmac: string | null;
}

type Broken = NonNullable<IntegrityReport['firstBroken']>;

export async function verifyIntegrity(pool: Pool, chainKey: string | Buffer, streamId?: string): Promise<IntegrityReport> {
  if (streamId !== undefined) assertStreamId(streamId);
  let checked = 0;
  let after: [string, number] = ['', 0];
  let current: { streamId: string; version: number; hash: string | null; position: string } | undefined;
  const heads = new Map<string, StreamHead>();

  const closeStream = (): Broken | undefined => {
    if (!current) return undefined;
    const head = heads.get(current.streamId);
    const at = { streamId: current.streamId, version: current.version, position: current.position };
    if (!head) return { ...at, reason: 'events exist but the stream row is missing' };
    if (head.version !== current.version) return { ...at, reason: `stream head says version ${head.version}, the log ends at ${current.version}` };
    if (head.head_hash !== current.hash) return { ...at, reason: 'stream head hash does not match the last event' };
    if (head.head_hmac !== headHmac(chainKey, head.stream_id, head.version, head.head_hash)) {
      return { ...at, reason: 'stream head HMAC is invalid' };
    }
    return undefined;
  };

  for (;;) {
    const { rows } = await pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (stream_id, version) > ($1, $2) ${streamId === undefined ? '' : 'AND stream_id = $4'}
       ORDER BY stream_id, version LIMIT $3`,
      streamId === undefined ? [after[0], after[1], BATCH] : [after[0], after[1], BATCH, streamId],
    );
    if (rows.length === 0) break;
    await loadHeads(pool, heads, [...new Set(rows.map((row) => row.stream_id))]);
    for (const row of rows) {
      if (current?.streamId !== row.stream_id) {
        const broken = closeStream();
        if (broken) return { ok: false, checked, firstBroken: broken };
        heads.delete(current?.streamId ?? '');
        current = { streamId: row.stream_id, version: 0, hash: null, position: '' };
      }
      checked++;
      const event = toRecordedEvent(row);
      const at = { streamId: event.streamId, version: event.version, position: event.position };
      if (event.version !== current.version + 1) {
        return { ok: false, checked, firstBroken: { ...at, reason: `version ${event.version} follows ${current.version}: events are missing` } };
      }
      if (event.previousHash !== current.hash) {
        return { ok: false, checked, firstBroken: { ...at, reason: 'previous_hash does not link to the preceding event' } };
      }
      if (eventHash(event) !== event.hash) {
        return { ok: false, checked, firstBroken: { ...at, reason: 'hash does not match the stored event' } };
      }
      current = { streamId: event.streamId, version: event.version, hash: event.hash, position: event.position };
    }
    const last = rows[rows.length - 1];
    after = [last.stream_id, last.version];
  }
  const broken = closeStream();
  if (broken) return { ok: false, checked, firstBroken: broken };
  const emptied = await pool.query<StreamHead>(
    `SELECT stream_id, version FROM streams s
     WHERE version > 0 ${streamId === undefined ? '' : 'AND stream_id = $1'}
       AND NOT EXISTS (SELECT 1 FROM events e WHERE e.stream_id = s.stream_id)
     ORDER BY stream_id LIMIT 1`,
    streamId === undefined ? [] : [streamId],
  );
  if (emptied.rows[0]) {
    const head = emptied.rows[0];
    return { ok: false, checked, firstBroken: { streamId: head.stream_id, version: head.version, position: '', reason: 'stream head exists but its events are missing' } };
  }
  return { ok: true, checked };
}

async function loadHeads(pool: Pool, heads: Map<string, StreamHead>, streamIds: string[]): Promise<void> {
  const missing = streamIds.filter((id) => !heads.has(id));
  if (missing.length === 0) return;
  const { rows } = await pool.query<StreamHead>('SELECT stream_id, version, head_hash, head_hmac FROM streams WHERE stream_id = ANY($1)', [missing]);
  for (const row of rows) heads.set(row.stream_id, row);
}
