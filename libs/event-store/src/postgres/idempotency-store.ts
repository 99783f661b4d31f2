/**
 * Idempotency records for outcomes that append nothing, and in-flight claims. Appends that
 * carry `options.idempotency` complete the same row inside the append's transaction.
 * An expired record is treated as absent; an in-flight claim older than `staleMs` (its request
 * presumably died with its process) is taken over.
 */
import type { Pool } from 'pg';
import { sqlLiteral as lit } from './sql-literal';
import { IdempotencyKeyReusedError, InvalidAppendError } from '../errors';
import type { IdempotencyClaim, IdempotencyKey, IdempotencyStore, IdempotentResult } from '../event-store.port';
import type { EventStoreDatabase } from './database';
import { assertIdempotencyKey, ttlSql } from './append';

const DEFAULT_STALE_MS = 60_000;

export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly pool: Pool;

  constructor(database: Pick<EventStoreDatabase, 'pool'>) {
    this.pool = database.pool;
  }

  async claim(key: IdempotencyKey, options: { ttlMs?: number; staleMs?: number } = {}): Promise<IdempotencyClaim> {
    assertIdempotencyKey({ ...key, ttlMs: options.ttlMs });
    const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    if (!Number.isSafeInteger(staleMs) || staleMs < 0) throw new InvalidAppendError('invalid_idempotency_key', 'staleMs must be a non-negative integer');
    // A row may vanish (release, expiry purge) between the upsert and the read: retry a few times.
    for (let attempt = 0; attempt < 5; attempt++) {
      const claimed = await this.pool.query(
        `INSERT INTO idempotency AS i (scope, key, request_hash, status, expires_at)
         VALUES (${lit(key.scope)}, ${lit(key.key)}, ${lit(key.requestHash)}, 'in_flight', now() + ${ttlSql(options.ttlMs)})
         ON CONFLICT (scope, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status = 'in_flight', answer = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE i.expires_at <= now() OR (i.status = 'in_flight' AND i.created_at <= now() - make_interval(secs => ${staleMs / 1000}))
         RETURNING 1`,
      );
      if (claimed.rowCount === 1) return { kind: 'claimed' };
      const existing = await this.pool.query<{ status: string; request_hash: string; answer: IdempotentResult }>(
        'SELECT status, request_hash, answer FROM idempotency WHERE scope = $1 AND key = $2 AND expires_at > now()',
        [key.scope, key.key],
      );
      const row = existing.rows[0];
      if (!row) continue;
      if (row.request_hash !== key.requestHash) throw new IdempotencyKeyReusedError(key.scope, key.key);
      return row.status === 'completed' ? { kind: 'completed', result: row.answer } : { kind: 'in_flight' };
    }
    throw new Error(`idempotency key ${key.key} kept changing while being claimed`);
  }

  async complete(key: IdempotencyKey, result: IdempotentResult, options: { ttlMs?: number } = {}): Promise<void> {
    assertIdempotencyKey({ ...key, ttlMs: options.ttlMs });
    const stored = await this.pool.query(
      `INSERT INTO idempotency AS i (scope, key, request_hash, status, answer, expires_at)
       VALUES ($1, $2, $3, 'completed', $4::jsonb, now() + ${ttlSql(options.ttlMs)})
       ON CONFLICT (scope, key) DO UPDATE
         SET status = 'completed', answer = EXCLUDED.answer, created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE i.request_hash = EXCLUDED.request_hash OR i.expires_at <= now()
       RETURNING 1`,
      [key.scope, key.key, key.requestHash, JSON.stringify(result)],
    );
    if (stored.rowCount !== 1) throw new IdempotencyKeyReusedError(key.scope, key.key);
  }

  async release(key: Pick<IdempotencyKey, 'scope' | 'key'>): Promise<void> {
    assertIdempotencyKey(key);
    await this.pool.query(`DELETE FROM idempotency WHERE scope = $1 AND key = $2 AND status = 'in_flight'`, [key.scope, key.key]);
  }

  /** Deletes expired records; run it from a periodic job. */
  async purgeExpired(): Promise<number> {
    const result = await this.pool.query('DELETE FROM idempotency WHERE expires_at <= now()');
    return result.rowCount ?? 0;
  }
}
