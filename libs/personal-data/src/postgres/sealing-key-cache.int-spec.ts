import { randomBytes } from 'node:crypto';
// Test support in a test file: the root depConstraints do not yet exempt *.int-spec.ts.
import { eventually } from '@ordersource/testing/eventually';
import { createTestDatabase } from '@ordersource/testing/postgres';
import { DataSource } from 'typeorm';
import { createPersonalDataVault } from '../create-personal-data-vault';
import { ERASED, type SealedValue } from '../envelope';
import type { PersonalDataVault } from '../personal-data-vault';
import { openVaultDatabase, type VaultDatabase } from '../specs/support/vault-database';
import { KEYS_FORGOTTEN_CHANNEL } from './postgres-key-vault';

/**
 * The sealing-key cache (issue 18) on real PostgreSQL, with two "processes" (two pools on one
 * database, each with its own cached vault): a placement after the first seals with no query,
 * and a forget anywhere still shreds at once.
 */
let database: VaultDatabase;
let otherSource: DataSource;
let here: PersonalDataVault;
let there: PersonalDataVault;
const masterKey = randomBytes(32);

beforeAll(async () => {
  database = await openVaultDatabase(await createTestDatabase('os_pd_cache'));
  otherSource = await new DataSource({ type: 'postgres', url: database.db.url }).initialize();
  here = await createPersonalDataVault({ dataSource: database.dataSource, masterKey, sealingKeyCache: { maxEntries: 3 } });
  there = await createPersonalDataVault({ dataSource: otherSource, masterKey, sealingKeyCache: {} });
}, 60_000);

afterAll(async () => {
  await there?.close();
  await here?.close();
  await otherSource?.destroy();
  await database?.close();
});

function cancellation(orderId: string, reason: string) {
  return { orderId, reason, authorizationVoided: false };
}

async function keyIdSealedBy(vault: PersonalDataVault, customerId: string, reason = 'a reason'): Promise<string> {
  return ((await vault.sealEventData(customerId, 'OrderCancelled', cancellation('o', reason))).reason as SealedValue).keyId;
}

async function queriesDuring<T>(source: DataSource, work: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const query = jest.spyOn(source, 'query');
  try {
    const result = await work();
    return { result, queries: query.mock.calls.length };
  } finally {
    query.mockRestore();
  }
}

describe('sealing-key cache', () => {
  it('seals a customer’s later orders without a database round trip, under the same key', async () => {
    const first = await queriesDuring(database.dataSource, () => keyIdSealedBy(here, 'cust-warm'));
    // The customer's first order creates the key (one statement).
    expect(first.queries).toBeGreaterThan(0);
    const later = await queriesDuring(database.dataSource, async () => Promise.all(Array.from({ length: 20 }, (_, i) => keyIdSealedBy(here, 'cust-warm', `reason ${i}`))));
    expect(later.queries).toBe(0);
    expect(new Set(later.result)).toEqual(new Set([first.result]));
  });

  it('keeps at most maxEntries customers, dropping the least recently used', async () => {
    for (const customer of ['lru-1', 'lru-2', 'lru-3']) await keyIdSealedBy(here, customer);
    await keyIdSealedBy(here, 'lru-1'); // lru-2 is now the least recently used
    await keyIdSealedBy(here, 'lru-4');
    const counts = [];
    for (const customer of ['lru-1', 'lru-3', 'lru-4', 'lru-2']) counts.push((await queriesDuring(database.dataSource, () => keyIdSealedBy(here, customer))).queries);
    // lru-2 was evicted (looked up again, which evicts lru-1 in turn); the others were served from memory.
    expect(counts.slice(0, 3)).toEqual([0, 0, 0]);
    expect(counts[3]).toBeGreaterThan(0);
  });

  it('a forget in this process shreds at once: old data reads [erased], the next order gets a new key', async () => {
    const sealed = await here.sealEventData('cust-local', 'OrderCancelled', cancellation('o1', 'secret reason'));
    const oldKey = (sealed.reason as SealedValue).keyId;
    expect(await keyIdSealedBy(here, 'cust-local')).toBe(oldKey); // cached
    await here.forgetCustomer('cust-local');
    expect((await here.openEventData('OrderCancelled', sealed)).reason).toBe(ERASED);
    expect((await there.openEventData('OrderCancelled', sealed)).reason).toBe(ERASED);
    const next = await keyIdSealedBy(here, 'cust-local');
    expect(next).not.toBe(oldKey);
    expect(await here.isErased('cust-local')).toBe(false);
  });

  it('a forget in another process shreds at once and drops this process’s cached key when it commits', async () => {
    const sealed = await there.sealEventData('cust-remote', 'OrderCancelled', cancellation('o1', 'secret reason'));
    const oldKey = (sealed.reason as SealedValue).keyId;
    const cached = await queriesDuring(otherSource, () => keyIdSealedBy(there, 'cust-remote'));
    expect(cached).toEqual({ result: oldKey, queries: 0 });

    await here.forgetCustomer('cust-remote');
    // Opening is never cached: "[erased]" in both processes the moment forget answered.
    expect((await there.openEventData('OrderCancelled', sealed)).reason).toBe(ERASED);
    expect((await here.openEventData('OrderCancelled', sealed)).reason).toBe(ERASED);
    // The notification arrives asynchronously; once it has, the other process looks the key up again.
    const fresh = await eventually('the other process to drop the forgotten customer’s key', async () => {
      const keyId = await keyIdSealedBy(there, 'cust-remote');
      return keyId !== oldKey && keyId;
    });
    const [{ key_id }] = await database.dataSource.query<{ key_id: string }[]>("SELECT key_id::text AS key_id FROM customer_keys WHERE customer_id = 'cust-remote'");
    expect(fresh).toBe(key_id);
    expect((await there.openEvents([{ type: 'OrderCancelled', data: await there.sealEventData('cust-remote', 'OrderCancelled', cancellation('o2', 'new reason')) }]))[0].data.reason).toBe('new reason');
  });

  it('stops caching when its listener connection is lost, and caches again once it listens again', async () => {
    await keyIdSealedBy(there, 'cust-listener');
    expect((await queriesDuring(otherSource, () => keyIdSealedBy(there, 'cust-listener'))).queries).toBe(0);
    const [{ terminated }] = await database.dataSource.query<{ terminated: number }[]>(
      `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity WHERE datname = current_database() AND query = $1`,
      [`LISTEN ${KEYS_FORGOTTEN_CHANNEL}`],
    );
    // Both vaults' listeners (here and there) ran LISTEN last on their connections.
    expect(terminated).toBe(2);
    // Erasures sent while it was down would be missed, so the cache is emptied and off: looked up again,
    await eventually('the other vault to notice its lost listener and look the key up', async () => (await queriesDuring(otherSource, () => keyIdSealedBy(there, 'cust-listener'))).queries > 0);
    // then, listening again after ~1 s, served from memory.
    await eventually('the other vault to listen again and serve the key from memory', async () => {
      await keyIdSealedBy(there, 'cust-listener');
      return (await queriesDuring(otherSource, () => keyIdSealedBy(there, 'cust-listener'))).queries === 0;
    });
    // And erasures reach it again.
    const oldKey = await keyIdSealedBy(there, 'cust-listener');
    await here.forgetCustomer('cust-listener');
    await eventually('the re-listened vault to drop the forgotten key', async () => (await keyIdSealedBy(there, 'cust-listener')) !== oldKey);
  });
});
