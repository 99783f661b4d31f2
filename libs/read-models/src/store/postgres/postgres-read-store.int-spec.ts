import { openEventStoreDatabase, type EventStoreDatabase } from '@ordersource/event-store';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { readModelViews } from '../../projections';
import { readStoreContract } from '../read-store.contract';
import { readModelMigrations } from './migrations';
import { PostgresReadStore } from './postgres-read-store';

describe('PostgresReadStore', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresReadStore;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_read_models');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'read-models-suite-chain-key-0123', extraMigrations: readModelMigrations, poolSize: 12 });
    store = new PostgresReadStore(database.pool, readModelViews);
    await store.ensureViews();
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  readStoreContract(() => store);

  describe('on PostgreSQL', () => {
    it('serves keyset pages from the expression indexes', async () => {
      // Planner settings on one connection in one transaction: the table is too small to
      // prefer the index on cost, so this checks the index can serve the query's order at all.
      const client = await database.pool.connect();
      let rows: { 'QUERY PLAN': string }[];
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        await client.query('SET LOCAL enable_bitmapscan = off');
        await client.query('SET LOCAL enable_sort = off');
        ({ rows } = await client.query(
          `EXPLAIN SELECT id, doc FROM read_models.order_tracking_g1 WHERE doc IS NOT NULL AND (doc #> '{"customerId"}') = '"c"'::jsonb
           ORDER BY (doc #>> '{"placedAt"}') COLLATE "C" DESC, id DESC LIMIT 3`,
        ));
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Index Scan Backward using "order_tracking_g1_customerId_placedAt"/);
    });

    it('runs the migrations as the services role owning the read models schema, and not the events table', async () => {
      const { rows } = await database.pool.query(`SELECT current_user AS role, (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'read_models') AS owner`);
      expect(rows[0]).toEqual({ role: 'ordersource_app', owner: 'ordersource_app' });
      await expect(database.pool.query('DELETE FROM events')).rejects.toMatchObject({ code: '42501' });
    });
  });
});
