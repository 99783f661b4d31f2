/**
 * appendToStream, always in one transaction, by one of two paths:
 *
 * At a known head (one round trip; two with idempotency). When the caller's expected version is
 * the head this process last saw (heads.ts: its own last append or readStream of the stream) or
 * the stream is new ('no_stream' / 0), everything the chain needs is known before the database
 * is asked: the previous hash, the version, and recordedAt (this host's clock, never before the
 * stream's previous append). Hashes and the head HMAC are computed here, and ONE statement moves
 * the stream head -- its first write, so the transaction id is taken while it queues for the
 * stream, as readAll's order needs -- and inserts the events, guarded by the head it expected
 * (version AND hash AND updated_at <= recordedAt, re-checked after any lock wait) and by
 * recordedAt lying within CLOCK_WINDOW of the database's clock. The events travel as parameters,
 * not escaped SQL text: one event as its fields, several as one JSON parameter
 * (jsonb_to_recordset). No row back means the head moved (or the clocks disagree): nothing was
 * written and the append takes the locked path below, which also gives the right
 * WrongExpectedVersionError. With idempotency the statement is sent as literals
 * after BEGIN with the key's claim, and the result is stored with the COMMIT.
 *
 * Locked (two round trips, three with idempotency), for 'any' without a known head and after a
 * refused fast attempt:
 *   1. BEGIN; upsert-and-lock the stream row, read its head and the database's clock
 *      (recordedAt) [; claim the idempotency row] -- all in one simple-protocol message;
 *   2. hash in JS over exactly the stored text, then INSERT all events (one multi-row statement),
 *      move the stream head (hash + HMAC) and COMMIT -- again one message;
 * then wake LISTENers (notifier.ts explains why outside the transaction). Values in the
 * multi-statement messages are inlined as literals (sql-literal.ts) because the extended protocol
 * cannot carry several statements in one round trip; every value is validated before.
 */
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { DuplicateEventIdError, IdempotencyKeyReusedError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import type { AppendOptions, AppendResult, DuplicateAppend, ExpectedVersion, IdempotentResult, NewEvent, RecordedEvent } from '../event-store.port';
import type { AppendBatcher } from './append-batch';
import { eventHashFromCanonical, headHmac } from './hashing';
import { type HeadCache, type KnownHead } from './heads';
import { sqlLiteral as lit } from './sql-literal';
import { assertExpectedVersion, assertPayloadSize, assertStreamId, validateAndCanonicalise, type ValidatedEvent } from './validation';

const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface AppendContext {
  pool: Pool;
  chainKey: string | Buffer;
  maxPayloadBytes: number;
  notify: (payload: string) => void;
  /** Stream heads this process last saw; the fast path's starting point. */
  heads: HeadCache;
  /** Sends the fast path's appends, several at once as one transaction under load (append-batch.ts). */
  batcher: AppendBatcher;
}

/** How far recordedAt (this host's clock) may lie from the database's clock on the fast path. */
export const CLOCK_WINDOW = "interval '2 seconds'";

type Idempotency = NonNullable<AppendOptions['idempotency']>;

export async function appendToStream(
  context: AppendContext,
  streamId: string,
  expected: ExpectedVersion,
  events: NewEvent[],
  options: AppendOptions = {},
): Promise<AppendResult | DuplicateAppend> {
  assertStreamId(streamId);
  assertExpectedVersion(expected);
  const { validated, payloads } = prepareEvents(events, context.maxPayloadBytes);
  const idempotency = options.idempotency;
  if (idempotency) assertIdempotency(idempotency);

  const known = context.heads.known(streamId, expected);
  if (known) {
    const fast = await appendAtHead(context, streamId, known, validated, payloads, idempotency);
    if (fast) return fast;
  }
  return appendLocked(context, streamId, expected, validated, payloads, idempotency);
}

export type Payload = { data: string; metadata: string };

/**
 * The events validated, and each one's data and metadata as canonical JSON, made once: the
 * hash is computed over exactly the text stored. Refuses a payload over the size limit.
 */
export function prepareEvents(events: NewEvent[], maxPayloadBytes: number): { validated: ValidatedEvent[]; payloads: Payload[] } {
  const payloads: Payload[] = [];
  const validated = validateAndCanonicalise(events, randomUUID, payloads);
  for (let index = 0; index < payloads.length; index++) assertPayloadSize(index, payloads[index].data, payloads[index].metadata, maxPayloadBytes);
  return { validated, payloads };
}

/** Hashes the events onto `head` at `recordedAt`: the rows to store and the events to return. */
export function chain(streamId: string, head: { version: number; hash: string | null }, recordedAt: string, validated: ValidatedEvent[], payloads: Payload[]) {
  const recorded: RecordedEvent[] = new Array(validated.length);
  let previousHash = head.hash;
  for (let index = 0; index < validated.length; index++) {
    const { event, eventId } = validated[index];
    // The recorded event is the hashed fields object itself, its hash set once known: the
    // spread copies per event this replaced were a tenth of an import's chain cost (issue 12).
    const e: RecordedEvent = {
      eventId,
      streamId,
      version: head.version + index + 1,
      type: event.type,
      schemaVersion: event.schemaVersion,
      occurredAt: event.occurredAt,
      recordedAt,
      previousHash,
      data: event.data,
      metadata: event.metadata,
      position: '',
      hash: '',
    };
    e.hash = eventHashFromCanonical(e, payloads[index].data, payloads[index].metadata);
    recorded[index] = e;
    previousHash = e.hash;
  }
  return { recorded, version: head.version + validated.length, headHash: previousHash as string };
}

/**
 * The events as one JSON array for jsonb_to_recordset (a seventh cheaper than json_to_recordset
 * with jsonb columns, which parses each payload twice). Every string in it was validated to a
 * character set that needs no JSON escaping (UUID, type, ISO time, hex) and data/metadata are
 * canonical JSON already, so it is assembled without re-serialising anything.
 */
export function rowsJson(validated: ValidatedEvent[], payloads: Payload[], recorded: RecordedEvent[]): string {
  return `[${rowsJsonItems(validated, payloads, recorded, false).join(',')}]`;
}

/** The items of rowsJson; with `withStream`, each also names its stream (`sid`, JSON-quoted). */
export function rowsJsonItems(validated: ValidatedEvent[], payloads: Payload[], recorded: RecordedEvent[], withStream: boolean): string[] {
  const items: string[] = [];
  for (let i = 0; i < recorded.length; i++) {
    const e = recorded[i];
    const previous = e.previousHash === null ? 'null' : `"${e.previousHash}"`;
    const stream = withStream ? `"sid":${JSON.stringify(e.streamId)},` : '';
    items.push(
      `{${stream}"id":"${validated[i].eventId}","v":${e.version},"t":"${e.type}","s":${e.schemaVersion},` +
        `"d":${payloads[i].data},"m":${payloads[i].metadata},"o":"${e.occurredAt}","p":${previous},"h":"${e.hash}"}`,
    );
  }
  return items;
}

/** Where the fast path's events come from: $6 onwards, with the expected head after them. */
type EventSource = { select: string; from: string; next: number };

/** Any number of events: one JSON parameter. */
const ROWS: EventSource = {
  select: 'e.id, $1::text, e.v, e.t, e.s, e.d, e.m, e.o, $5::timestamptz, e.p, e.h',
  from: 'FROM jsonb_to_recordset($6::jsonb) AS e(id uuid, v integer, t text, s integer, d jsonb, m jsonb, o timestamptz, p text, h text)',
  next: 7,
};

/**
 * One event (most appends): its fields as parameters, version and hash being the new head's.
 * jsonb_to_recordset was a fifth of the statement's execution for a single row (issue 18).
 */
const ONE: EventSource = {
  select: '$6::uuid, $1::text, $2::integer, $7::text, $8::integer, $9::jsonb, $10::jsonb, $11::timestamptz, $5::timestamptz, $12::text, $3::text',
  from: '',
  next: 13,
};

function insertEvents(source: EventSource): string {
  return `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
  SELECT ${source.select}
  ${source.from}
  WHERE EXISTS (SELECT 1 FROM head)
  RETURNING version, position`;
}

/** $1 stream, $2 new version, $3 head hash, $4 head HMAC, $5 recordedAt, then the events, then the expected version and head hash. */
function appendAtHeadSql(source: EventSource): string {
  return `WITH head AS (
    UPDATE streams SET version = $2::integer, head_hash = $3::text, head_hmac = $4::text, updated_at = $5::timestamptz
    WHERE stream_id = $1::text AND version = $${source.next}::integer AND head_hash = $${source.next + 1}::text AND updated_at <= $5::timestamptz
      AND $5::timestamptz BETWEEN clock_timestamp() - ${CLOCK_WINDOW} AND clock_timestamp() + ${CLOCK_WINDOW}
    RETURNING 1)
  ${insertEvents(source)}`;
}

/** A new stream (or one left at version 0): the same without an expected head. */
function appendNewSql(source: EventSource): string {
  return `WITH head AS (
    INSERT INTO streams AS s (stream_id, version, head_hash, head_hmac, updated_at)
    SELECT $1::text, $2::integer, $3::text, $4::text, $5::timestamptz
    WHERE $5::timestamptz BETWEEN clock_timestamp() - ${CLOCK_WINDOW} AND clock_timestamp() + ${CLOCK_WINDOW}
    ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, head_hash = EXCLUDED.head_hash, head_hmac = EXCLUDED.head_hmac,
      updated_at = EXCLUDED.updated_at
      WHERE s.version = 0 AND s.updated_at <= EXCLUDED.updated_at
    RETURNING 1)
  ${insertEvents(source)}`;
}

/** The fast path's named prepared statements: new stream or known head, one event or several. */
const FAST_STATEMENTS = {
  new: { rows: { name: 'es_append_new', text: appendNewSql(ROWS) }, one: { name: 'es_append_new_one', text: appendNewSql(ONE) } },
  atHead: { rows: { name: 'es_append_at_head', text: appendAtHeadSql(ROWS) }, one: { name: 'es_append_at_head_one', text: appendAtHeadSql(ONE) } },
};

/** The fast path (see the top of this file); undefined when the head was not where expected. */
async function appendAtHead(
  context: AppendContext,
  streamId: string,
  head: KnownHead,
  validated: ValidatedEvent[],
  payloads: Payload[],
  idempotency: Idempotency | undefined,
): Promise<AppendResult | DuplicateAppend | undefined> {
  const now = Date.now();
  const recordedAt = new Date(head.recordedAtMs !== undefined && head.recordedAtMs > now ? head.recordedAtMs : now).toISOString();
  const { recorded, version, headHash } = chain(streamId, head, recordedAt, validated, payloads);
  const hmac = headHmac(context.chainKey, streamId, version, headHash);
  const isNew = head.version === 0;
  const one = recorded.length === 1;
  const values: unknown[] = [streamId, version, headHash, hmac, recordedAt];
  if (one) {
    const e = recorded[0];
    values.push(e.eventId, e.type, e.schemaVersion, payloads[0].data, payloads[0].metadata, e.occurredAt, e.previousHash);
  } else {
    values.push(rowsJson(validated, payloads, recorded));
  }
  if (!isNew) values.push(head.version, head.hash);
  const statement = (isNew ? FAST_STATEMENTS.new : FAST_STATEMENTS.atHead)[one ? 'one' : 'rows'];

  try {
    let result: AppendResult | DuplicateAppend | undefined;
    if (!idempotency) {
      const rows = await context.batcher.append({
        streamId,
        single: { ...statement, values },
        eventCount: recorded.length,
        forBatch: () => ({
          head:
            `{"sid":${JSON.stringify(streamId)},"nv":${version},"hh":"${headHash}","hm":"${hmac}","ra":"${recordedAt}",` +
            `"ev":${head.version},"eh":${head.hash === null ? 'null' : `"${head.hash}"`}}`,
          events: rowsJsonItems(validated, payloads, recorded, true),
        }),
      });
      result = rows.length === 0 ? undefined : resultOf(streamId, version, recorded, rows);
    } else {
      result = await inTransaction(context, async (client) => {
        const inlined = statement.text.replace(/\$(\d+)/g, (_, n: string) => {
          const value = values[Number(n) - 1];
          if (value === null) return 'NULL'; // a new stream's first previous hash
          return typeof value === 'number' ? String(value) : lit(String(value));
        });
        const results = (await client.query(`BEGIN;\n${inlined};\n${claimIdempotencySql(idempotency)}`)) as unknown as QueryResult[];
        const rows = results[1].rows as { version: number; position: string }[];
        if (rows.length === 0) return undefined; // rolled back by inTransaction
        const repeat = repeatedAnswer(idempotency, results[2].rows[0]);
        if (repeat) return repeat;
        const appended = resultOf(streamId, version, recorded, rows);
        await client.query(`${completeIdempotencySql(idempotency, idempotency.result(appended))};\nCOMMIT`);
        return appended;
      });
    }
    if (!result || isDuplicate(result)) return result;
    context.heads.remember(streamId, { version, hash: headHash, recordedAtMs: Date.parse(recordedAt) });
    context.notify(JSON.stringify({ streamId, version }));
    return result;
  } catch (error) {
    throw translate(error, streamId);
  }
}

function isDuplicate(result: AppendResult | DuplicateAppend): result is DuplicateAppend {
  return (result as DuplicateAppend).duplicate === true;
}

/**
 * Runs `work` on a pooled connection that it opens a transaction on; unless `work` returned an
 * AppendResult (it committed), the transaction is rolled back. A failed rollback discards the
 * connection instead of returning it to the pool mid-transaction.
 */
async function inTransaction<T>(context: AppendContext, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await context.pool.connect();
  let broken: Error | undefined;
  let committed = false;
  try {
    const result = await work(client);
    committed = result !== undefined && !isDuplicate(result as AppendResult | DuplicateAppend);
    return result;
  } finally {
    if (!committed) {
      await rollback(client).catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    client.release(broken);
  }
}

function resultOf(streamId: string, version: number, recorded: RecordedEvent[], rows: { version: number; position: string }[]): AppendResult {
  const head = version - recorded.length;
  for (const row of rows) recorded[row.version - head - 1].position = row.position;
  return { streamId, version, position: recorded[recorded.length - 1].position, events: recorded };
}

function translate(error: unknown, streamId: string): unknown {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code === '23505' && constraint === 'events_event_id_key') return new DuplicateEventIdError(streamId);
  return error;
}

async function appendLocked(
  context: AppendContext,
  streamId: string,
  expected: ExpectedVersion,
  validated: ValidatedEvent[],
  payloads: Payload[],
  idempotency: Idempotency | undefined,
): Promise<AppendResult | DuplicateAppend> {
  const client = await context.pool.connect();
  let open = false;
  let broken: Error | undefined;
  try {
    // The stream lock comes first: it is this transaction's first write, so its transaction id
    // is taken while it queues for the stream, and ids follow version order within a stream
    // (readAll's total order is by transaction id; writing the idempotency row first let a
    // later version get the smaller id). The record time is read only once the lock is held.
    const lead = ['BEGIN', lockStreamSql(streamId, expected), recordedAtSql(streamId)];
    if (idempotency) lead.push(claimIdempotencySql(idempotency));
    open = true;
    const leadResults = (await client.query(lead.join(';\n'))) as unknown as QueryResult[];
    if (idempotency) {
      const repeat = repeatedAnswer(idempotency, leadResults[3].rows[0]);
      if (repeat) {
        await rollback(client);
        open = false;
        return repeat;
      }
    }
    const locked = leadResults[1].rows[0] as { version: number; head_hash: string | null } | undefined;
    const head = locked && { ...locked, recorded_at: (leadResults[2].rows[0] as { recorded_at: string }).recorded_at };
    if (!head || !versionMatches(expected, head.version)) {
      const actual = head ? head.version : await currentVersion(client, streamId);
      await rollback(client);
      open = false;
      throw new WrongExpectedVersionError(streamId, expected, actual);
    }

    const { recorded, version, headHash } = chain(streamId, { version: head.version, hash: head.head_hash }, head.recorded_at, validated, payloads);
    const rows = recorded.map(
      (e, index) =>
        `(${lit(e.eventId)},${lit(streamId)},${e.version},${lit(e.type)},${e.schemaVersion},${lit(payloads[index].data)},` +
        `${lit(payloads[index].metadata)},${lit(e.occurredAt)},${lit(e.recordedAt)},${e.previousHash === null ? 'NULL' : lit(e.previousHash)},${lit(e.hash)})`,
    );
    const tail = [
      `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
       VALUES ${rows.join(',')} RETURNING version, position`,
      `UPDATE streams SET version = ${version}, head_hash = ${lit(headHash)},
       head_hmac = ${lit(headHmac(context.chainKey, streamId, version, headHash))}, updated_at = ${lit(head.recorded_at)}
       WHERE stream_id = ${lit(streamId)}`,
    ];
    if (!idempotency) tail.push('COMMIT');
    const tailResults = (await client.query(tail.join(';\n'))) as unknown as QueryResult[];
    const result = resultOf(streamId, version, recorded, tailResults[0].rows as { version: number; position: string }[]);
    if (idempotency) await client.query(`${completeIdempotencySql(idempotency, idempotency.result(result))};\nCOMMIT`);
    open = false;
    context.heads.remember(streamId, { version, hash: headHash, recordedAtMs: Date.parse(head.recorded_at) });
    context.notify(JSON.stringify({ streamId, version }));
    return result;
  } catch (error) {
    if (open) {
      await rollback(client).catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    throw translate(error, streamId);
  } finally {
    client.release(broken);
  }
}

function versionMatches(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 0;
  return actual === expected;
}

/**
 * Locks the stream row (creating it when the expected version allows) and returns its head; no
 * row back means the stream is not in the expected state. The upsert is only for 'any': it
 * writes a row version even when the stream exists, which the lighter lock of the other forms
 * avoids.
 */
function lockStreamSql(streamId: string, expected: ExpectedVersion): string {
  const returning = 'RETURNING s.version, s.head_hash';
  const insert = `INSERT INTO streams AS s (stream_id, version) VALUES (${lit(streamId)}, 0) ON CONFLICT (stream_id)`;
  if (expected === 'any') return `${insert} DO UPDATE SET stream_id = s.stream_id ${returning}`;
  if (expected === 'no_stream' || expected === 0) return `${insert} DO NOTHING ${returning}`;
  return `SELECT s.version, s.head_hash FROM streams s WHERE s.stream_id = ${lit(streamId)} FOR UPDATE`;
}

/**
 * recordedAt, read after the stream lock is held (a statement of its own, so never evaluated
 * before a lock wait) and never before the stream's previous append (streams.updated_at holds
 * it): within a stream, recordedAt never decreases with version, so "as of" a time is always a
 * prefix of the stream, even across clock steps.
 */
function recordedAtSql(streamId: string): string {
  const previous = `(SELECT updated_at FROM streams WHERE stream_id = ${lit(streamId)})`;
  return `SELECT to_char(GREATEST(clock_timestamp(), ${previous}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;
}

async function currentVersion(client: PoolClient, streamId: string): Promise<number> {
  const { rows } = await client.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [streamId]);
  return rows[0]?.version ?? 0;
}

/**
 * Inserts an in-flight record or, when one exists, locks it and returns it. A concurrent append
 * with the same key waits here until the first commits, then sees its completed result.
 */
function claimIdempotencySql(key: Idempotency): string {
  return `INSERT INTO idempotency AS i (scope, key, request_hash, status, expires_at)
    VALUES (${lit(key.scope)}, ${lit(key.key)}, ${lit(key.requestHash)}, 'in_flight', now() + ${ttlSql(key.ttlMs)})
    ON CONFLICT (scope, key) DO UPDATE SET status = i.status
    RETURNING i.status, i.request_hash, i.answer, i.expires_at > now() AS live`;
}

function completeIdempotencySql(key: Idempotency, result: IdempotentResult): string {
  return `UPDATE idempotency SET status = 'completed', request_hash = ${lit(key.requestHash)},
    answer = ${lit(JSON.stringify(result))}::jsonb, created_at = now(), expires_at = now() + ${ttlSql(key.ttlMs)}
    WHERE scope = ${lit(key.scope)} AND key = ${lit(key.key)}`;
}

function repeatedAnswer(key: Idempotency, row: { status: string; request_hash: string; answer: IdempotentResult; live: boolean }): DuplicateAppend | undefined {
  if (!row.live) return undefined; // expired records are treated as absent
  if (row.request_hash !== key.requestHash) throw new IdempotencyKeyReusedError(key.scope, key.key);
  if (row.status === 'completed') return { duplicate: true, result: row.answer };
  return undefined; // our own in-flight claim (IdempotencyStore.claim) or a fresh insert
}

export function ttlSql(ttlMs: number | undefined): string {
  return `make_interval(secs => ${(ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS) / 1000})`;
}

export function assertIdempotencyKey(key: { scope: unknown; key: unknown; requestHash?: unknown; ttlMs?: unknown }): void {
  const text = (value: unknown) => typeof value === 'string' && value.length > 0 && value.length <= 500 && !value.includes('\u0000');
  if (!text(key.scope) || !text(key.key) || (key.requestHash !== undefined && !text(key.requestHash))) {
    throw new InvalidAppendError('invalid_idempotency_key', 'idempotency scope, key and requestHash must be 1-500 character strings');
  }
  if (key.ttlMs !== undefined && !(Number.isSafeInteger(key.ttlMs) && (key.ttlMs as number) >= 0)) {
    throw new InvalidAppendError('invalid_idempotency_key', 'ttlMs must be a non-negative integer');
  }
}

function assertIdempotency(key: Idempotency): void {
  assertIdempotencyKey(key);
  if (typeof key.requestHash !== 'string') throw new InvalidAppendError('invalid_idempotency_key', 'requestHash is required');
  if (typeof key.result !== 'function') throw new InvalidAppendError('invalid_idempotency_key', 'result must be a function');
}

async function rollback(client: PoolClient): Promise<void> {
  await client.query('ROLLBACK');
}
