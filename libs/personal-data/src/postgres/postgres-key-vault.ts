import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError } from '@ordersource/platform';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { gcmDecrypt, gcmEncrypt, keyLength, packBox, unpackBox } from '../aes-gcm';
import type { DataKey } from '../envelope';
import type { Erasure, KeyVault } from '../key-vault.port';
import { SealingKeyCache, type SealingKeyCacheOptions } from '../sealing-key-cache';

const checkPlaintext = Buffer.from('ordersource personal-data vault check v1', 'utf8');
const checkAad = Buffer.from('ordersource/vault_check/v1', 'utf8');
// Forget racing a first order can delete the key between our insert and our select; retrying a
// few times lets the order get the new key instead of failing.
const keyCreationAttempts = 3;
/** forget() notifies here at commit; every process with a sealing-key cache drops the customer. */
export const KEYS_FORGOTTEN_CHANNEL = 'ordersource_keys_forgotten';
// pg_notify payloads must stay under 8000 bytes; a longer id is announced as "drop every key".
const maxNotifiedIdBytes = 4000;
const relistenMs = 1000;

interface KeyRow {
  customer_id: string;
  key_id: string;
  wrapped_key: Buffer;
}

/** Data keys in PostgreSQL, each wrapped (AES-256-GCM) under the master key. Raw SQL. */
export class PostgresKeyVault implements KeyVault {
  private readonly masterKey: Buffer;
  private cache?: SealingKeyCache;
  /** The connection LISTENing on KEYS_FORGOTTEN_CHANNEL; the cache is used only while it is up. */
  private listener?: PoolClient;
  private relisten?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    masterKey: Buffer | undefined,
  ) {
    if (!masterKey || masterKey.length === 0) {
      throw new ConfigError('ORDERSOURCE_MASTER_KEY is required to seal and open personal data (32 bytes, base64 or hex)');
    }
    if (masterKey.length !== keyLength) throw new ConfigError(`ORDERSOURCE_MASTER_KEY must be 32 bytes (got ${masterKey.length})`);
    this.masterKey = Buffer.from(masterKey);
  }

  async assertMasterKey(): Promise<void> {
    await withTablesRequired(async () => {
      let [check] = await this.dataSource.query<{ sealed: Buffer }[]>('SELECT sealed FROM vault_check WHERE id = 1');
      if (!check) {
        // First start of a new database: register this master key. If keys exist without a
        // check row (it was removed by hand), the key must first prove it unwraps one of them.
        const [someKey] = await this.dataSource.query<KeyRow[]>('SELECT customer_id, key_id::text AS key_id, wrapped_key FROM customer_keys LIMIT 1');
        if (someKey && !this.tryUnwrap(someKey)) throw wrongMasterKey();
        const sealed = packBox(gcmEncrypt(this.masterKey, checkPlaintext, checkAad));
        await this.dataSource.query('INSERT INTO vault_check (id, sealed) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [sealed]);
        [check] = await this.dataSource.query<{ sealed: Buffer }[]>('SELECT sealed FROM vault_check WHERE id = 1');
      }
      try {
        if (!gcmDecrypt(this.masterKey, unpackBox(check.sealed), checkAad).equals(checkPlaintext)) throw wrongMasterKey();
      } catch {
        throw wrongMasterKey();
      }
    });
  }

  /**
   * Reuses unwrapped keys for sealing (the command path's per-placement lookup), bounded by
   * `options`, while a pooled connection LISTENs for erasures: a forget in any process drops the
   * customer's key here as its transaction commits, a lost listener drops every key and the
   * cache stays off until it listens again. Opening never uses the cache. Needs close().
   */
  async enableSealingKeyCache(options: SealingKeyCacheOptions = {}): Promise<void> {
    this.cache = new SealingKeyCache(options);
    await this.listen();
  }

  /** Stops listening and gives the connection back to the pool (before the pool ends). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.relisten) clearTimeout(this.relisten);
    const listener = this.listener;
    this.listener = undefined;
    this.cache?.clear();
    if (listener) {
      await listener.query(`UNLISTEN ${KEYS_FORGOTTEN_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
  }

  async dataKeysFor(customerIds: readonly string[]): Promise<Map<string, DataKey>> {
    const cache = this.listener ? this.cache : undefined;
    const keys = new Map<string, DataKey>();
    const wanted: string[] = [];
    for (const customerId of new Set(customerIds)) {
      const cached = cache?.get(customerId);
      if (cached) keys.set(customerId, cached);
      else wanted.push(customerId);
    }
    if (wanted.length === 0) return keys;
    const epoch = cache?.epoch() ?? 0;
    const found = await this.lookUpOrCreateKeys(wanted);
    for (const [customerId, key] of found) {
      keys.set(customerId, key);
      // Stored only while still listening and no erasure arrived during the lookup.
      if (cache && this.listener) cache.set(customerId, key, epoch);
    }
    return keys;
  }

  /**
   * Existing keys read and the missing ones created in one statement (one round trip, one commit
   * only when a key was created; issue 18: the command path's second round trip per new
   * customer). A key is wrapped for every asked customer, used only where none exists.
   */
  private async lookUpOrCreateKeys(customerIds: readonly string[]): Promise<Map<string, DataKey>> {
    const keys = new Map<string, DataKey>();
    // In one order (sorted): two batches creating keys of shared new customers in crossed orders
    // wait on each other's rows and deadlock (seen with the import's concurrent batches).
    let missing = [...customerIds].sort();
    for (let attempt = 0; attempt < keyCreationAttempts && missing.length > 0; attempt++) {
      const created = missing.map((customerId) => {
        const keyId = randomUUID();
        return { customerId, keyId, wrapped: packBox(gcmEncrypt(this.masterKey, randomBytes(keyLength), wrapAad(customerId, keyId))) };
      });
      // The SELECT half reads the statement's snapshot, so it sees neither this statement's
      // inserts (the RETURNING half gives those) nor a key another transaction committed after
      // the snapshot, which ON CONFLICT does see and skips: that customer stays missing and the
      // next round, under a new snapshot, reads it. Two first orders of one customer race that
      // way; a forget between the rounds deletes the key: then a new one is created. A forget
      // committing while this statement waits on its delete lets ON CONFLICT create a new key
      // while the snapshot still shows the old one: the created key is the one answered.
      const rows = await this.dataSource.query<KeyRow[]>(
        `WITH created AS (
           INSERT INTO customer_keys (customer_id, key_id, wrapped_key)
           SELECT * FROM unnest($1::text[], $2::uuid[], $3::bytea[])
           ON CONFLICT (customer_id) DO NOTHING
           RETURNING customer_id, key_id::text AS key_id, wrapped_key)
         SELECT customer_id, key_id, wrapped_key FROM created
         UNION ALL
         SELECT customer_id, key_id::text, wrapped_key FROM customer_keys
         WHERE customer_id = ANY($1::text[]) AND customer_id NOT IN (SELECT customer_id FROM created)`,
        [created.map((row) => row.customerId), created.map((row) => row.keyId), created.map((row) => row.wrapped)],
      );
      for (const row of rows) keys.set(row.customer_id, { keyId: row.key_id, key: this.unwrap(row) });
      missing = missing.filter((customerId) => !keys.has(customerId));
    }
    if (missing.length > 0) throw new Error(`no data key for customer ${missing[0]}: it was forgotten during each of ${keyCreationAttempts} attempts to create one`);
    return keys;
  }

  async dataKeysById(keyIds: readonly string[]): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    if (keyIds.length === 0) return keys;
    const rows = await this.dataSource.query<KeyRow[]>(
      'SELECT customer_id, key_id::text AS key_id, wrapped_key FROM customer_keys WHERE key_id = ANY($1::uuid[])',
      [[...new Set(keyIds.map((id) => id.toLowerCase()))]],
    );
    for (const row of rows) keys.set(row.key_id, this.unwrap(row));
    return keys;
  }

  async forget(customerId: string): Promise<Erasure> {
    const erasure = await this.dataSource.transaction(async (manager) => {
      const [{ deleted }] = await manager.query<{ deleted: number }[]>(
        'WITH gone AS (DELETE FROM customer_keys WHERE customer_id = $1 RETURNING 1) SELECT count(*)::int AS deleted FROM gone',
        [customerId],
      );
      // A key deleted now (first forget, or a new key since the last one) is a new erasure; a
      // repeat with nothing to delete keeps the recorded time, so forgetting is idempotent.
      if (deleted > 0) await manager.query('DELETE FROM erased_customers WHERE customer_id = $1', [customerId]);
      await manager.query('INSERT INTO erased_customers (customer_id) VALUES ($1) ON CONFLICT (customer_id) DO NOTHING', [customerId]);
      // As ISO text from the server: pools differ in how they parse timestamptz (the event
      // store's keeps it as text), so never rely on getting a Date back.
      const [row] = await manager.query<{ erased_at: string }[]>(
        `SELECT to_char(erased_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS erased_at FROM erased_customers WHERE customer_id = $1`,
        [customerId],
      );
      // Delivered at commit, to this process too, so every sealing-key cache drops the key.
      const payload = Buffer.byteLength(customerId, 'utf8') <= maxNotifiedIdBytes ? customerId : '';
      await manager.query('SELECT pg_notify($1, $2)', [KEYS_FORGOTTEN_CHANNEL, payload]);
      return { customerId, erasedAt: row.erased_at };
    });
    // Not waiting for our own notification: the key is gone from this process before we answer.
    this.cache?.invalidate(customerId);
    return erasure;
  }

  async isErased(customerId: string): Promise<boolean> {
    const [row] = await this.dataSource.query<{ erased: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM erased_customers WHERE customer_id = $1)
          AND NOT EXISTS (SELECT 1 FROM customer_keys WHERE customer_id = $1) AS erased`,
      [customerId],
    );
    return row.erased;
  }

  private async listen(): Promise<void> {
    const cache = this.cache;
    if (!cache || this.closed) return;
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      // Erasures may have been missed while the connection was failing.
      cache.clear();
      client.release(error ?? true);
      this.scheduleRelisten();
    };
    client.on('notification', (message) => {
      if (message.channel !== KEYS_FORGOTTEN_CHANNEL) return;
      if (message.payload) cache.invalidate(message.payload);
      else cache.clear();
    });
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.query(`LISTEN ${KEYS_FORGOTTEN_CHANNEL}`);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    if (this.closed) {
      client.release();
      return;
    }
    cache.clear();
    this.listener = client;
  }

  private scheduleRelisten(): void {
    if (this.closed) return;
    this.relisten = setTimeout(() => {
      this.listen().catch(() => this.scheduleRelisten());
    }, relistenMs);
    this.relisten.unref();
  }

  private unwrap(row: KeyRow): Buffer {
    const key = this.tryUnwrap(row);
    // assertMasterKey ran at start, so this is a row altered or moved between customers.
    if (!key) throw new Error(`data key ${row.key_id} does not unwrap for customer ${row.customer_id} under ORDERSOURCE_MASTER_KEY`);
    return key;
  }

  private tryUnwrap(row: KeyRow): Buffer | undefined {
    try {
      return gcmDecrypt(this.masterKey, unpackBox(row.wrapped_key), wrapAad(row.customer_id, row.key_id));
    } catch {
      return undefined;
    }
  }
}

/** Binds a wrapped key to its row, so it cannot be copied to another customer. */
function wrapAad(customerId: string, keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['ordersource/customer_keys/v1', customerId, keyId]), 'utf8');
}

function wrongMasterKey(): ConfigError {
  return new ConfigError(
    'ORDERSOURCE_MASTER_KEY is not the master key this database was set up with (vault_check does not open). ' +
      'Start with the original key: personal data cannot be opened without it.',
  );
}

async function withTablesRequired<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { driverError?: { code?: string } }).driverError?.code;
    if (code === '42P01') {
      throw new ConfigError('the personal-data tables (customer_keys, erased_customers, vault_check) are missing: run the service migrations, which include personalDataMigrations');
    }
    throw error;
  }
}
