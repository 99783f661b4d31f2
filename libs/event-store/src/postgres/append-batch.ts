/**
 * Group commit for the one-round-trip append (append.ts's fast path, without idempotency).
 *
 * Each append at a known head is one statement and one transaction, so concurrent writers pay a
 * commit (a WAL flush), a socket write and a server wake-up each, and those, not the rows, are
 * most of what an append costs with 16 writers on this machine (issue 18). Here at most
 * `maxInFlight` append statements run at once per store; appends arriving meanwhile wait, and go
 * together as ONE statement and ONE transaction when a slot frees. A lone append (the sequential
 * case) goes at once, in exactly its own statement, so nothing waits that did not have to.
 *
 * The batch statement is the fast path's statement over several streams: it moves every head
 * it was given, guarded as one append's is (expected version AND hash AND updated_at <=
 * recordedAt, recordedAt within the clock window), then inserts the events of exactly the streams
 * whose head moved, in the order given (WITH ORDINALITY: a join may reorder rows, and positions
 * are taken in insert order, so a stream's versions keep their position order within the shared
 * transaction id). A stream whose guard failed gets no rows back, as a lone append would, and its
 * caller takes the locked path; the others commit regardless.
 *
 * The rules a lone append keeps hold for each member:
 * - No stream twice in one batch, nor in two statements in flight at once: a second append to a
 *   stream waits for the next batch (it would fail its guard anyway, or race the first).
 * - Heads are moved in stream-id order (the statement locks them in the order given), the same in
 *   every process, so batches sharing streams queue on the first shared head and never deadlock.
 * - A batch the server refuses as a whole (a duplicate event id, a deadlock with another process's
 *   statement, a bad value) was rolled back: each member is then sent alone, so the error lands
 *   on the append that caused it and the others commit.
 * - A failure that may have committed (the connection lost, no SQLSTATE) is every member's error,
 *   as it would have been each lone append's: nothing is retried blindly.
 * - readAll's order: each stream's head row is the transaction's lock on it, and an append waits
 *   there and fails its guard if another writer moved the head meanwhile, so no member lands
 *   behind a head it did not see committed, whatever its transaction id.
 */
import { DatabaseError, type Pool } from 'pg';
import { CLOCK_WINDOW } from './append';

/** One append ready for the fast path: everything chained and hashed, only the write left. */
export interface FastAppend {
  streamId: string;
  /** The statement appending it alone (append.ts's prepared fast statement and its values). */
  single: { name: string; text: string; values: unknown[] };
  eventCount: number;
  /**
   * Its row for the batch's heads parameter (BATCH_STATEMENT's $1) and its events for $2
   * (rowsJsonItems with the stream named); made only when it goes in a batch.
   */
  forBatch(): { head: string; events: string[] };
}

export type AppendedRow = { version: number; position: string };

interface Waiting {
  append: FastAppend;
  resolve: (rows: AppendedRow[]) => void;
  reject: (error: unknown) => void;
}

/** Members per batch, and events per batch beyond which the batch closes. */
const MAX_MEMBERS = 64;
const MAX_EVENTS = 2000;

const IN_WINDOW = `x.ra BETWEEN clock_timestamp() - ${CLOCK_WINDOW} AND clock_timestamp() + ${CLOCK_WINDOW}`;

/**
 * $1: the heads, [{sid, nv (new version), hh (head hash), hm (head HMAC), ra (recordedAt),
 * ev (expected version, 0 for a new stream), eh (expected hash)}]; $2: the events.
 */
const BATCH_STATEMENT = {
  name: 'es_append_batch',
  text: `WITH x AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(sid text, nv integer, hh text, hm text, ra timestamptz, ev integer, eh text)),
  moved AS (
    UPDATE streams s SET version = x.nv, head_hash = x.hh, head_hmac = x.hm, updated_at = x.ra
    FROM x
    WHERE x.ev > 0 AND s.stream_id = x.sid AND s.version = x.ev AND s.head_hash = x.eh AND s.updated_at <= x.ra AND ${IN_WINDOW}
    RETURNING s.stream_id, x.ra),
  created AS (
    INSERT INTO streams AS s (stream_id, version, head_hash, head_hmac, updated_at)
    SELECT x.sid, x.nv, x.hh, x.hm, x.ra FROM x WHERE x.ev = 0 AND ${IN_WINDOW}
    ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, head_hash = EXCLUDED.head_hash, head_hmac = EXCLUDED.head_hmac,
      updated_at = EXCLUDED.updated_at
      WHERE s.version = 0 AND s.updated_at <= EXCLUDED.updated_at
    RETURNING s.stream_id, s.updated_at AS ra),
  head AS (SELECT stream_id, ra FROM moved UNION ALL SELECT stream_id, ra FROM created)
  INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
  SELECT e.id, e.sid, e.v, e.t, e.s, e.d, e.m, e.o, head.ra, e.p, e.h
  FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (sid text, id uuid, v integer, t text, s integer, d jsonb, m jsonb, o timestamptz, p text, h text))
    WITH ORDINALITY AS e(sid, id, v, t, s, d, m, o, p, h, n)
  JOIN head ON head.stream_id = e.sid
  ORDER BY e.n
  RETURNING stream_id, version, position`,
};

export class AppendBatcher {
  private readonly waiting: Waiting[] = [];
  private readonly inFlightStreams = new Set<string>();
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    /** Append statements in flight at once; 1 or more. */
    private readonly maxInFlight: number,
    /** Told of a batch the server refused whole, before its members go alone. */
    private readonly onRefused: (error: DatabaseError, members: number) => void = () => undefined,
  ) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be a positive integer, not ${maxInFlight}`);
  }

  /** The rows the append wrote (its version and position per event); none when its head had moved. */
  append(append: FastAppend): Promise<AppendedRow[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ append, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return; // everything waiting is on a stream in flight
      this.inFlight++;
      for (const member of batch) this.inFlightStreams.add(member.append.streamId);
      // send settles every member itself; this catch is for a fault of its own (a member already
      // settled ignores the second answer), so that no caller is left waiting.
      void this.send(batch)
        .catch((error: unknown) => {
          for (const member of batch) member.reject(error);
        })
        .finally(() => {
          this.inFlight--;
          for (const member of batch) this.inFlightStreams.delete(member.append.streamId);
          this.pump();
        });
    }
  }

  /** The oldest waiting appends on distinct streams not in flight, within the batch's limits. */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (let index = 0; index < this.waiting.length && batch.length < MAX_MEMBERS; ) {
      const member = this.waiting[index];
      const { streamId } = member.append;
      const size = member.append.eventCount;
      if (streams.has(streamId) || this.inFlightStreams.has(streamId) || (batch.length > 0 && events + size > MAX_EVENTS)) {
        index++;
        continue;
      }
      streams.add(streamId);
      events += size;
      batch.push(member);
      this.waiting.splice(index, 1);
    }
    return batch;
  }

  private async send(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]);
    let rows: (AppendedRow & { stream_id: string })[];
    try {
      // Heads in one order for every process: two batches sharing streams then queue on the first
      // shared head rather than each holding one the other wants (a deadlock, found after a second).
      batch.sort(inStreamOrder);
      rows = (await this.pool.query<AppendedRow & { stream_id: string }>({ ...BATCH_STATEMENT, values: batchParameters(batch) })).rows;
    } catch (error) {
      if (!refusedWhole(error)) {
        for (const member of batch) member.reject(error);
        return;
      }
      this.onRefused(error, batch.length);
      await Promise.all(batch.map((member) => this.alone(member)));
      return;
    }
    const byStream = new Map<string, AppendedRow[]>();
    for (const row of rows) {
      const list = byStream.get(row.stream_id);
      if (list) list.push(row);
      else byStream.set(row.stream_id, [row]);
    }
    for (const member of batch) member.resolve(byStream.get(member.append.streamId) ?? []);
  }

  private async alone(member: Waiting): Promise<void> {
    try {
      member.resolve((await this.pool.query<AppendedRow>(member.append.single)).rows);
    } catch (error) {
      member.reject(error);
    }
  }
}

function inStreamOrder(a: Waiting, b: Waiting): number {
  const x = a.append.streamId;
  const y = b.append.streamId;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** BATCH_STATEMENT's $1 (the members' heads) and $2 (their events, in order). */
function batchParameters(batch: Waiting[]): [string, string] {
  const heads: string[] = [];
  const events: string[] = [];
  for (const member of batch) {
    const rows = member.append.forBatch();
    heads.push(rows.head);
    for (const item of rows.events) events.push(item);
  }
  return [`[${heads.join(',')}]`, `[${events.join(',')}]`];
}

/**
 * The server answered with an error (a SQLSTATE) over a live connection: the statement, an
 * implicit transaction of its own, was rolled back, and nothing of the batch was written.
 * Connection-level classes (08: connection exception, 57P: the server shutting down) are not.
 */
function refusedWhole(error: unknown): error is DatabaseError {
  if (!(error instanceof DatabaseError) || typeof error.code !== 'string') return false;
  return !error.code.startsWith('08') && !error.code.startsWith('57P');
}
