import { PostgresEventStore, openEventStoreDatabase, type EventStoreDatabase } from '@ordersource/event-store';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { logBoundNow } from './catch-up';

/**
 * A rebuild's log bound is readAll's read horizon, not the snapshot's xmin. On CI's shared
 * PostgreSQL 15 a suite next door held a write transaction open in its own database while a
 * rebuild began here: with the xmin as the bound, the rebuild counted 0 events and a verify-only
 * run reported every order as a difference.
 */
describe('logBoundNow', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_rebuild_bound');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'rebuild-bound-chain-key-0123456789' });
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('counts the events appended while another database holds a write transaction open, and not those behind an open writer of its own', async () => {
    const store = new PostgresEventStore(database);
    const append = (streamId: string) =>
      store.appendToStream(streamId, 'no_stream', [{ type: 'OrderPlaced', schemaVersion: 1, data: {}, metadata: { correlationId: 'c', causationId: 'c', actor: 'a' }, occurredAt: '2026-01-01T00:00:00.000Z' }]);
    const next = await createTestDatabase('os_rebuild_bound_next_door');
    const nextDoor = new Client({ connectionString: next.url });
    const ownWriter = new Client({ connectionString: testDatabase.url });
    await nextDoor.connect();
    await ownWriter.connect();
    try {
      await nextDoor.query('BEGIN');
      await nextDoor.query('SELECT pg_current_xact_id()');
      for (let n = 1; n <= 3; n++) await append(`order-next-door-${n}`);
      expect((await logBoundNow(database.pool)).events).toBe(3);
      // A writer of this database that may still append below later commits holds the bound.
      await ownWriter.query('BEGIN');
      await ownWriter.query('SELECT pg_current_xact_id()');
      await append('order-behind-own-writer');
      expect((await logBoundNow(database.pool)).events).toBe(3);
      await ownWriter.query('COMMIT');
      expect((await logBoundNow(database.pool)).events).toBe(4);
      await nextDoor.query('COMMIT');
    } finally {
      await ownWriter.end();
      await nextDoor.end();
      await next.drop();
    }
  });
});
