/**
 * appendToStream in one transaction and two round trips (three with idempotency):
 *   1. BEGIN; [claim the idempotency row;] upsert-and-lock the stream row, read its head and the
 *      transaction's now() (recordedAt) -- all in one simple-protocol message;
 *   2. hash in JS over exactly the stored text, then INSERT all events (one multi-row statement),
 *      move the stream head (hash + HMAC) and COMMIT -- again one message; then wake LISTENers
 *      (notifier.ts explains why outside the transaction).
 * Values are inlined with pg's escapeLiteral because the extended protocol cannot carry several
 * statements in one round trip; every value is validated before and escaped here.
 */
import { randomUUID } from 'node:crypto';
import { escapeLiteral as lit, type Pool, type PoolClient, type QueryResult } from 'pg';
import { DuplicateEventIdError, IdempotencyKeyReusedError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import type { AppendOptions, AppendResult, DuplicateAppend, ExpectedVersion, IdempotentResult, NewEvent, RecordedEvent } from '../event-store.port';
import { canonicalJson, eventHashFromCanonical, headHmac } from './hashing';
import { assertExpectedVersion, assertPayloadSize, assertStreamId, validateEvents } from './validation';

const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface AppendContext {
  pool: Pool;
  chainKey: string | Buffer;
  maxPayloadBytes: number;
  notify: (payload: string) => void;
}

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
  const validated = validateEvents(events, randomUUID);
  const payloads = validated.map(({ event }, index) => {
    const data = canonicalJson(event.data);
    const metadata = canonicalJson(event.metadata as never);
    assertPayloadSize(index, data, metadata, context.maxPayloadBytes);
    return { data, metadata };
  });
  const idempotency = options.idempotency;
  if (idempotency) assertIdempotency(idempotency);

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

    const recorded: RecordedEvent[] = [];
    const rows: string[] = [];
    let previousHash = head.head_hash;
    validated.forEach(({ event, eventId }, index) => {
      const version = head.version + index + 1;
      const fields = { streamId, version, type: event.type, schemaVersion: event.schemaVersion, occurredAt: event.occurredAt, recordedAt: head.recorded_at, previousHash };
      const hash = eventHashFromCanonical({ eventId, ...fields }, payloads[index].data, payloads[index].metadata);
      rows.push(
        `(${lit(eventId)},${lit(streamId)},${version},${lit(event.type)},${event.schemaVersion},${lit(payloads[index].data)},` +
          `${lit(payloads[index].metadata)},${lit(event.occurredAt)},${lit(head.recorded_at)},${previousHash === null ? 'NULL' : lit(previousHash)},${lit(hash)})`,
      );
      recorded.push({ eventId, ...fields, data: event.data, metadata: event.metadata, position: '', hash });
      previousHash = hash;
    });
    const version = head.version + validated.length;
    const tail = [
      `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
       VALUES ${rows.join(',')} RETURNING version, position`,
      `UPDATE streams SET version = ${version}, head_hash = ${lit(previousHash as string)},
       head_hmac = ${lit(headHmac(context.chainKey, streamId, version, previousHash))}, updated_at = ${lit(head.recorded_at)}
       WHERE stream_id = ${lit(streamId)}`,
    ];
    if (!idempotency) tail.push('COMMIT');
    const tailResults = (await client.query(tail.join(';\n'))) as unknown as QueryResult[];
    for (const row of tailResults[0].rows as { version: number; position: string }[]) {
      recorded[row.version - head.version - 1].position = row.position;
    }
    const result: AppendResult = { streamId, version, position: recorded[recorded.length - 1].position, events: recorded };
    if (idempotency) await client.query(`${completeIdempotencySql(idempotency, idempotency.result(result))};\nCOMMIT`);
    open = false;
    context.notify(JSON.stringify({ streamId, version }));
    return result;
  } catch (error) {
    if (open) {
      await rollback(client).catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'events_event_id_key') throw new DuplicateEventIdError(streamId);
    throw error;
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
