import { openEventStoreDatabase, type EventStoreDatabase } from '@ordersource/event-store';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { readModelViews } from '../../projections';
import { AUDIT_EVENTS } from '../../projections/audit/audit.projection';
import { freshId, isoAt, placeChange } from '../contract/fixtures';
import { readStoreContract } from '../read-store.contract';
import { readModelMigrations } from './migrations';
import { PostgresReadStore } from './postgres-read-store';

describe('PostgresReadStore', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresReadStore;
  let twin: PostgresReadStore;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_read_models');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'read-models-suite-chain-key-0123', extraMigrations: readModelMigrations, poolSize: 12 });
    store = new PostgresReadStore(database.pool, readModelViews);
    await store.ensureViews();
    twin = new PostgresReadStore(database.pool, readModelViews);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  readStoreContract(
    () => store,
    () => twin,
  );

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

    it('writes a batch of 50 orders with their records in one statement, its own transaction', async () => {
      const orders = Array.from({ length: 50 }, () => freshId());
      const records = (orderId: string) => [1, 2].map((n) => ({ collection: AUDIT_EVENTS, id: `${orderId}:${n}`, document: { orderId, type: 'OrderPlaced', actor: 'a', recordedAt: isoAt(n), version: n, data: {} } }));
      await store.loadHeads('audit', orders); // the active generation is known from here on
      const query = jest.spyOn(database.pool, 'query');
      const connect = jest.spyOn(database.pool, 'connect');
      try {
        const result = await store.applyChanges('audit', orders.map((orderId) => ({ orderId, expectedVersion: 0, version: 2, head: null, records: records(orderId) })));
        expect(result).toEqual({ applied: orders, conflicts: [] });
        // One pool.query (which checks a connection out once): no BEGIN, no COMMIT, no second statement.
        expect(query).toHaveBeenCalledTimes(1);
        expect(connect).toHaveBeenCalledTimes(1);
      } finally {
        query.mockRestore();
        connect.mockRestore();
      }
      const { rows } = await database.pool.query(`SELECT count(*)::int AS n FROM read_models.audit_events_g1 WHERE order_id = ANY($1::text[])`, [orders]);
      expect(rows[0].n).toBe(100);
    });

    it('notices a swap by another instance in the statement that writes: nothing lands in the old generation, the re-plan lands in the new one', async () => {
      const view = 'order-tracking';
      const before = freshId();
      const after = freshId();
      expect(await store.applyChanges(view, [placeChange(before, 'c', isoAt(1))])).toEqual({ applied: [before], conflicts: [] });
      const other = new PostgresReadStore(database.pool, readModelViews);
      const old = (await other.generations(view)).active;
      const shadow = await other.createShadow(view);
      await other.swap(view, shadow);
      try {
        // `store` still remembers the old generation: the write is refused as a conflict, not misplaced.
        expect(await store.applyChanges(view, [placeChange(after, 'c', isoAt(2))])).toEqual({ applied: [], conflicts: [after] });
        const inOld = await database.pool.query(`SELECT count(*)::int AS n FROM read_models.order_tracking_g${old} WHERE id = $1`, [after]);
        expect(inOld.rows[0].n).toBe(0);
        // The runner re-plans from loadHeads, which now reads the new generation.
        expect(await store.loadHeads(view, [before, after])).toEqual(new Map());
        expect(await store.applyChanges(view, [placeChange(after, 'c', isoAt(2))])).toEqual({ applied: [after], conflicts: [] });
        expect(await store.findById({ view, id: after })).toMatchObject({ orderId: after });
        expect(await store.findById({ view, id: after, generation: old })).toBeNull();
      } finally {
        await other.rollback(view);
        await other.dropGeneration(view, shadow);
      }
      // And back: the rollback (and drop of the generation `store` remembered) by `other` is noticed the same way.
      expect(await store.loadHeads(view, [before])).toEqual(new Map([[before, expect.objectContaining({ version: 1 })]]));
    });

    it('runs the migrations as the services role owning the read models schema, and not the events table', async () => {
      const { rows } = await database.pool.query(`SELECT current_user AS role, (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'read_models') AS owner`);
      expect(rows[0]).toEqual({ role: 'ordersource_app', owner: 'ordersource_app' });
      await expect(database.pool.query('DELETE FROM events')).rejects.toMatchObject({ code: '42501' });
    });
  });
});
