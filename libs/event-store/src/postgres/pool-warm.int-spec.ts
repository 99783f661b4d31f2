import { Client } from 'pg';
import { eventually } from '@ordersource/testing/eventually';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';

/**
 * minConnections (DATABASE_POOL_MIN, issue 18): the pool's connections are open when the
 * database opens and stay open, so a burst does not wait for new backends.
 */
describe('an event store database opened with minConnections', () => {
  let testDatabase: TestDatabase;
  let observer: Client;
  const opened: EventStoreDatabase[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store_pool_warm');
    observer = new Client({ connectionString: testDatabase.url });
    await observer.connect();
  });

  afterAll(async () => {
    for (const database of opened) await database.close();
    await observer?.end();
    await testDatabase?.drop();
  });

  async function backends(): Promise<number> {
    const { rows } = await observer.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'ordersource-event-store'",
    );
    return rows[0].n;
  }

  async function open(poolSize: number, minConnections?: number): Promise<EventStoreDatabase> {
    const database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'pool-warm-chain-key-0123456789', poolSize, minConnections });
    opened.push(database);
    return database;
  }

  it('has its connections open before the first query, idle and ready', async () => {
    const database = await open(6, 4);
    expect(await backends()).toBe(4);
    expect(database.pool.totalCount).toBe(4);
    expect(database.pool.idleCount).toBe(4);
    await database.close();
    opened.pop();
    // A closed connection's backend leaves pg_stat_activity a moment later.
    await eventually('the closed pool\'s backends to end', async () => (await backends()) === 0);
  });

  it('never opens more than the pool size, whatever is asked', async () => {
    const database = await open(3, 50);
    expect(database.pool.totalCount).toBe(3);
    expect(await backends()).toBe(3);
    await database.close();
    opened.pop();
    await eventually('the closed pool\'s backends to end', async () => (await backends()) === 0);
  });

  it('opens only what it uses without it (the default)', async () => {
    const database = await open(5);
    // TypeORM's start-up queries used one connection; nothing was opened ahead.
    expect(database.pool.totalCount).toBe(1);
    await Promise.all([1, 2, 3].map(() => database.pool.query('SELECT pg_sleep(0.05)')));
    expect(database.pool.totalCount).toBe(3);
  });
});
