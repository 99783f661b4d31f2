import { PostgresEventStore, openEventStoreDatabase, type EventStoreDatabase } from '@ordersource/event-store';
import { createTestDatabase, openNeighbourWriteTransaction, openWriteTransaction, type TestDatabase } from '@ordersource/testing/postgres';
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
    const nextDoor = await openNeighbourWriteTransaction('os_rebuild_bound_next_door');
    try {
      for (let n = 1; n <= 3; n++) await append(`order-next-door-${n}`);
      expect((await logBoundNow(database.pool)).events).toBe(3);
      // A writer of this database that may still append below later commits holds the bound.
      const ownWriter = await openWriteTransaction(testDatabase.url);
      try {
        await append('order-behind-own-writer');
        expect((await logBoundNow(database.pool)).events).toBe(3);
        await ownWriter.commit();
        expect((await logBoundNow(database.pool)).events).toBe(4);
      } finally {
        await ownWriter.close();
      }
    } finally {
      await nextDoor.close();
    }
  });
});
