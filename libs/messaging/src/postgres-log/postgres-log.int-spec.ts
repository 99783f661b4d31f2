import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { messagingMigrations } from '../migrations';
import { subscriptionContract } from '../subscription.contract';
import { DeliveryLog } from '../testing/delivery-log';
import { eventually } from '@ordersource/testing/eventually';
import { appendOrders, newOrderIds } from '../testing/order-events';
import { PostgresLogSubscriptions } from './postgres-log-subscriptions';

const CHAIN_KEY = 'messaging-suite-chain-key-0123456789';

describe('PostgreSQL log subscriptions', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_messaging_pglog');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, extraMigrations: messagingMigrations });
    store = new PostgresEventStore(database);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  subscriptionContract(() => ({ store, source: (registry) => new PostgresLogSubscriptions({ store, database, url: testDatabase.url, registry, pollMs: 200 }) }));

  it('keeps one active reader per subscription; a waiting instance takes over when the first one’s connection dies', async () => {
    const orders = newOrderIds(10);
    const [first, second] = [new DeliveryLog(new Set(orders)), new DeliveryLog(new Set(orders))];
    const source = new PostgresLogSubscriptions({ store, database, url: testDatabase.url, registry: new Registry(), lockPollMs: 50 });
    const a = await source.subscribe('single-reader', first.handle);
    await eventually('the first instance holds the lock', async () => (await lockHolders('ordersource:subscription:single-reader')).length === 1);
    const b = await source.subscribe('single-reader', second.handle);
    try {
      await appendOrders(store, orders.slice(0, 5), 2);
      await eventually('the first instance applies the first orders', () => first.appliedCount() === 10);
      expect(second.deliveries).toEqual([]);
      // The first instance dies: its lock connection is cut, and it never comes back.
      const [holder] = await lockHolders('ordersource:subscription:single-reader');
      await withOwner((client) => client.query('SELECT pg_terminate_backend($1)', [holder]));
      await a.stop();
      await appendOrders(store, orders.slice(5), 2);
      await eventually('the second instance applies the later orders', () => orders.slice(5).every((o) => second.applied.get(o)?.length === 2));
      expect(second.gaps).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  async function lockHolders(lockName: string): Promise<number[]> {
    return withOwner(async (client) => {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.objid = (hashtext($1)::bigint & 4294967295)::oid`,
        [lockName],
      );
      return rows.map((r) => r.pid);
    });
  }

  async function withOwner<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: testDatabase.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
});
