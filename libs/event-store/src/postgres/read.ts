/**
 * Reads. readAll is the subtle one: `position` comes from a sequence taken before commit, so a
 * transaction holding position 7 can commit after one holding 8. A reader paging by position
 * alone skips 7 forever (the lost-event bug reported against Marten's async daemon, Eventuous
 * and Emmett). Here the log order is (transaction_id, position) and a page only ever includes
 * transactions older than the read horizon (the oldest transaction still running that could
 * write this log), i.e. every transaction that could still take a smaller place in that order
 * has already finished. The order never changes once observed.
 */
import type { Pool } from 'pg';
import { InvalidAppendError, InvalidCursorError } from '../errors';
import type { EventMetadata, JsonObject, LogEvent, ReadAllOptions, ReadAllPage, ReadStreamOptions, RecordedEvent, Upcaster } from '../event-store.port';
import { assertStreamId } from './validation';

export const EVENT_COLUMNS = `event_id, stream_id, version, position, type, schema_version, data, metadata,
  occurred_at, recorded_at, hash, previous_hash`;
export const DEFAULT_PAGE = 1000;
export const MAX_PAGE = 10_000;
const START_CURSOR = encodeCursor('0', '0');

export interface EventRow {
  event_id: string;
  stream_id: string;
  version: number;
  position: string;
  type: string;
  schema_version: number;
  data: JsonObject;
  metadata: EventMetadata;
  occurred_at: string;
  recorded_at: string;
  hash: string;
  previous_hash: string | null;
}

/** The stored form, before upcasting: what the hash covers. */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    version: row.version,
    position: row.position,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    occurredAt: isoMillis(row.occurred_at),
    recordedAt: isoMillis(row.recorded_at),
    hash: row.hash,
    previousHash: row.previous_hash,
  };
}

/**
 * timestamptz arrives as text (see pgTypes): with TimeZone=UTC and DateStyle=ISO it is
 * `YYYY-MM-DD HH:MM:SS[.f{1,3}]+00`, turned into ISO text without building a Date per value.
 */
export function isoMillis(text: string): string {
  if (text.length >= 22 && text.endsWith('+00') && text[10] === ' ') {
    const fraction = text.length > 22 ? text.slice(20, text.length - 3) : '';
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.padEnd(3, '0')}Z`;
  }
  return new Date(text).toISOString();
}

export class Upcasting {
  private readonly byShape = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.byShape.set(`${upcaster.fromSchemaVersion}:${upcaster.type}`, upcaster);
  }

  /** Applies upcasters in a chain until no upcaster matches the event's (type, schemaVersion). */
  apply<T extends RecordedEvent>(event: T): T {
    if (this.byShape.size === 0) return event;
    let current: T = event;
    for (let step = 0; step <= this.byShape.size; step++) {
      const upcaster = this.byShape.get(`${current.schemaVersion}:${current.type}`);
      if (!upcaster) return current;
      const next = upcaster.upcast(current);
      if (next.schemaVersion <= current.schemaVersion && next.type === current.type) {
        throw new Error(`upcaster for ${current.type} v${current.schemaVersion} did not raise the schema version`);
      }
      current = { ...current, ...next };
    }
    throw new Error(`upcasters for ${event.type} form a cycle`);
  }
}

export async function readStream(pool: Pool, upcasting: Upcasting, streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
  assertStreamId(streamId);
  const from = options.fromVersion ?? 1;
  const to = options.toVersion ?? 2_147_483_647;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < 0) {
    throw new InvalidAppendError('invalid_range', 'fromVersion and toVersion must be non-negative integers');
  }
  const until = options.toRecordedAt;
  if (until !== undefined && !(until instanceof Date && !Number.isNaN(until.getTime()))) {
    throw new InvalidAppendError('invalid_range', 'toRecordedAt must be a valid Date');
  }
  const result = await pool.query<EventRow>({
    name: 'es_read_stream',
    text: `SELECT ${EVENT_COLUMNS} FROM events
      WHERE stream_id = $1 AND version BETWEEN $2 AND $3 AND ($4::timestamptz IS NULL OR recorded_at <= $4::timestamptz)
      ORDER BY version`,
    values: [streamId, from, Math.min(to, 2_147_483_647), until?.toISOString() ?? null],
  });
  return result.rows.map((row) => upcasting.apply(toRecordedEvent(row)));
}

export async function streamVersion(pool: Pool, streamId: string): Promise<number> {
  assertStreamId(streamId);
  const result = await pool.query<{ version: number }>({
    name: 'es_stream_version',
    text: 'SELECT version FROM streams WHERE stream_id = $1',
    values: [streamId],
  });
  return result.rows[0]?.version ?? 0;
}

/**
 * The oldest transaction still running that could yet add events to THIS database's log (or
 * the snapshot's xmax when none could): readAll reads below it.
 *
 * Transaction ids are cluster-wide, so the snapshot's xmin is held by a write transaction in any
 * database on the server. It used to be the bound: one long transaction in another database (a
 * suite next door, a bulk import, a migration) hid every new event here from the relay and the
 * subscriptions until it ended, and a read-your-writes wait ran out (CI: 503 after 10 s in the
 * distributed profile). A backend is bound to one database for life, and a prepared transaction
 * names its own, so an in-progress id shown there with another database can never write this
 * table: only those are passed over. An id the activity view no longer shows (it ended meanwhile)
 * or shows without a database still holds the bound, so the lookup can only err towards waiting.
 */
const READ_HORIZON = `WITH snapshot AS (SELECT pg_current_snapshot() AS snapshot),
  foreign_xids AS (
    SELECT backend_xid AS xid FROM pg_stat_activity
      WHERE backend_xid IS NOT NULL AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database())
    UNION ALL
    SELECT transaction FROM pg_prepared_xacts WHERE database <> current_database()),
  horizon AS (
    SELECT COALESCE(
      (SELECT min(running) FROM snapshot, pg_snapshot_xip(snapshot.snapshot) AS running
        WHERE NOT EXISTS (SELECT 1 FROM foreign_xids WHERE foreign_xids.xid = running::xid)),
      (SELECT pg_snapshot_xmax(snapshot) FROM snapshot)) AS xid)`;

/**
 * The read horizon now (READ_HORIZON): every transaction below it that could write this
 * database's log has finished, so the log below it is final. A rebuild's log bound.
 */
export async function readHorizon(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ xid: string }>({ name: 'es_read_horizon', text: `${READ_HORIZON} SELECT horizon.xid::text AS xid FROM horizon` });
  return rows[0].xid;
}

export async function readAll(pool: Pool, upcasting: Upcasting, options: ReadAllOptions = {}): Promise<ReadAllPage> {
  const limit = options.limit ?? DEFAULT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new InvalidAppendError('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  const cursor = options.after ?? START_CURSOR;
  const [transactionId, position] = decodeCursor(cursor);
  // The text form is aliased `txid`: an output column named transaction_id would make
  // ORDER BY sort the text, not the xid8 (ORDER BY resolves output names first).
  const result = await pool.query<EventRow & { txid: string }>({
    name: 'es_read_all',
    text: `${READ_HORIZON} SELECT ${EVENT_COLUMNS}, transaction_id::text AS txid FROM events, horizon
      WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
        AND transaction_id < horizon.xid
      ORDER BY transaction_id, position
      LIMIT $3`,
    values: [transactionId, position, limit],
  });
  const events: LogEvent[] = result.rows.map((row) => {
    const event = upcasting.apply(toRecordedEvent(row)) as LogEvent;
    event.cursor = encodeCursor(row.txid, row.position);
    return event;
  });
  return {
    events,
    cursor: events.length > 0 ? events[events.length - 1].cursor : cursor,
    endOfLog: events.length < limit,
  };
}

export function encodeCursor(transactionId: string, position: string): string {
  return Buffer.from(`${transactionId}:${position}`).toString('base64url');
}

function decodeCursor(cursor: unknown): [string, string] {
  if (typeof cursor !== 'string' || cursor.length > 64) throw new InvalidCursorError(cursor);
  const match = /^(\d{1,20}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new InvalidCursorError(cursor);
  return [match[1], match[2]];
}
