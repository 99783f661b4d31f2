import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError } from '@ordersource/platform';
import type { DataSource } from 'typeorm';
import { gcmDecrypt, gcmEncrypt, keyLength, packBox, unpackBox } from '../aes-gcm';
import type { DataKey } from '../envelope';
import type { Erasure, KeyVault } from '../key-vault.port';

const checkPlaintext = Buffer.from('ordersource personal-data vault check v1', 'utf8');
const checkAad = Buffer.from('ordersource/vault_check/v1', 'utf8');
// Forget racing a first order can delete the key between our insert and our select; retrying a
// few times lets the order get the new key instead of failing.
const keyCreationAttempts = 3;

interface KeyRow {
  customer_id: string;
  key_id: string;
  wrapped_key: Buffer;
}

/** Data keys in PostgreSQL, each wrapped (AES-256-GCM) under the master key. Raw SQL. */
export class PostgresKeyVault implements KeyVault {
  private readonly masterKey: Buffer;

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

  async dataKeyFor(customerId: string): Promise<DataKey> {
    for (let attempt = 0; attempt < keyCreationAttempts; attempt++) {
      const existing = await this.selectKey(customerId);
      if (existing) return existing;
      const keyId = randomUUID();
      const wrapped = packBox(gcmEncrypt(this.masterKey, randomBytes(keyLength), wrapAad(customerId, keyId)));
      // Two first orders of one customer race here: one insert wins, both read the winner.
      await this.dataSource.query(
        'INSERT INTO customer_keys (customer_id, key_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (customer_id) DO NOTHING',
        [customerId, keyId, wrapped],
      );
    }
    const created = await this.selectKey(customerId);
    if (!created) throw new Error(`no data key for customer ${customerId}: it was forgotten during each of ${keyCreationAttempts} attempts to create one`);
    return created;
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
    return this.dataSource.transaction(async (manager) => {
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
      return { customerId, erasedAt: row.erased_at };
    });
  }

  async isErased(customerId: string): Promise<boolean> {
    const [row] = await this.dataSource.query<{ erased: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM erased_customers WHERE customer_id = $1)
          AND NOT EXISTS (SELECT 1 FROM customer_keys WHERE customer_id = $1) AS erased`,
      [customerId],
    );
    return row.erased;
  }

  private async selectKey(customerId: string): Promise<DataKey | undefined> {
    const [row] = await this.dataSource.query<KeyRow[]>(
      'SELECT customer_id, key_id::text AS key_id, wrapped_key FROM customer_keys WHERE customer_id = $1',
      [customerId],
    );
    return row && { keyId: row.key_id, key: this.unwrap(row) };
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
