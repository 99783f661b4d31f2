import { createTestDatabase, openNeighbourWriteTransaction, openWriteTransaction, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { eventually } from '@ordersource/testing/eventually';
import { eventStoreContract } from '../event-store.contract';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresIdempotencyStore } from './idempotency-store';
import { PostgresEventStore } from './postgres-event-store';

const CHAIN_KEY = 'contract-suite-chain-key-0123456789';

describe('PostgresEventStore', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, poolSize: 20 });
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  eventStoreContract(async (options) => ({
    store: new PostgresEventStore(database, options),
    idempotency: new PostgresIdempotencyStore(database),
  }));

  describe('on PostgreSQL', () => {
    it('acts as ordersource_app, with timeouts, on every pooled connection', async () => {
      const clients = await Promise.all(Array.from({ length: 20 }, () => database.pool.connect()));
      try {
        const settings = await Promise.all(
          clients.map(async (client) => {
            const { rows } = await client.query(
              `SELECT current_user AS role, current_setting('statement_timeout') AS statement_timeout,
                      current_setting('lock_timeout') AS lock_timeout, pg_backend_pid() AS pid`,
            );
            return rows[0] as { role: string; statement_timeout: string; lock_timeout: string; pid: number };
          }),
        );
        expect(new Set(settings.map((s) => s.pid)).size).toBe(20);
        for (const setting of settings) expect(setting).toMatchObject({ role: 'ordersource_app', statement_timeout: '30s', lock_timeout: '10s' });
        // RESET ROLE returns to the startup value, not to the login user.
        await clients[0].query('RESET ROLE');
        expect((await clients[0].query('SELECT current_user AS role')).rows[0].role).toBe('ordersource_app');
      } finally {
        clients.forEach((client) => client.release());
      }
    });

    it.each(['UPDATE events SET type = type', 'DELETE FROM events', 'TRUNCATE events', 'ALTER TABLE events DISABLE TRIGGER ALL'])(
      'refuses "%s" to the services\' role',
      async (sql) => {
        await expect(database.pool.query(sql)).rejects.toMatchObject({ code: expect.stringMatching(/^42501$|^42501/) });
      },
    );

    it.each(['UPDATE events SET type = type', 'DELETE FROM events', 'TRUNCATE events'])('refuses "%s" by trigger even to the owner', async (sql) => {
      const owner = new Client({ connectionString: testDatabase.url });
      await owner.connect();
      try {
        const store = new PostgresEventStore(database);
        await store.appendToStream('order-trigger-check', 'any', [
          { type: 'OrderPlaced', schemaVersion: 1, data: {}, metadata: { correlationId: 'c', causationId: 'c', actor: 'a' }, occurredAt: '2026-01-01T00:00:00.000Z' },
        ]);
        await expect(owner.query(sql)).rejects.toThrow(/append-only/);
      } finally {
        await owner.end();
      }
    });

    it('wakes LISTENers on ordersource_events after an append commits', async () => {
      const listener = new Client({ connectionString: testDatabase.url });
      await listener.connect();
      try {
        const payloads: string[] = [];
        listener.on('notification', (message) => payloads.push(message.payload ?? ''));
        await listener.query('LISTEN ordersource_events');
        const store = new PostgresEventStore(database);
        await store.appendToStream('order-notified', 'any', [
          { type: 'OrderPlaced', schemaVersion: 1, data: {}, metadata: { correlationId: 'c', causationId: 'c', actor: 'a' }, occurredAt: '2026-01-01T00:00:00.000Z' },
        ]);
        await store.notificationsSent();
        const payload = await eventually('the notification arrives', async () => payloads.find((p) => p.includes('order-notified')), { timeoutMs: 30_000, everyMs: 0 });
        expect(JSON.parse(payload)).toEqual({ streamId: 'order-notified', version: 1 });
      } finally {
        await listener.end();
      }
    });

    it('wakes LISTENers at once after a pause and carries the appends within the interval in one NOTIFY', async () => {
      const listener = new Client({ connectionString: testDatabase.url });
      await listener.connect();
      const statements = jest.spyOn(database.pool, 'query');
      try {
        const payloads: string[] = [];
        listener.on('notification', (message) => payloads.push(message.payload ?? ''));
        await listener.query('LISTEN ordersource_events');
        // An interval far longer than the test: only notificationsSent() can end its wait.
        const store = new PostgresEventStore(database, { notifyIntervalMs: 600_000 });
        const streamId = 'order-coalesced-wake-ups';
        const heard = () => payloads.filter((p) => p.includes(streamId)).map((p) => (JSON.parse(p) as { version: number }).version);
        const event = { type: 'OrderPlaced', schemaVersion: 1, data: {}, metadata: { correlationId: 'c', causationId: 'c', actor: 'a' }, occurredAt: '2026-01-01T00:00:00.000Z' };
        await store.appendToStream(streamId, 'no_stream', [event]);
        await eventually('the first wake-up arrives without waiting for the interval', async () => (heard().length === 1 ? true : undefined), { timeoutMs: 30_000, everyMs: 0 });
        await store.appendToStream(streamId, 1, [event]);
        await store.appendToStream(streamId, 2, [event]);
        await store.notificationsSent();
        await eventually('every wake-up arrives once drained', async () => (heard().length === 3 ? true : undefined), { timeoutMs: 30_000, everyMs: 0 });
        expect(heard()).toEqual([1, 2, 3]);
        const notifyStatements = statements.mock.calls
          .map(([text]) => (typeof text === 'string' && text.includes(streamId) ? text.split('pg_notify(').length - 1 : 0))
          .filter((calls) => calls > 0);
        expect(notifyStatements).toEqual([1, 2]);
      } finally {
        statements.mockRestore();
        await listener.end();
      }
    });

    it('reads past a write transaction open in another database on the server, never past one open in its own', async () => {
      // Transaction ids are cluster-wide: the snapshot's xmin is held by a writer in any
      // database. It used to bound readAll, so a long transaction next door (another suite, a
      // bulk import) hid every new event here until it ended (CI: a read-your-writes 503).
      const store = new PostgresEventStore(database);
      const placed = (streamId: string) =>
        store.appendToStream(streamId, 'any', [{ type: 'OrderPlaced', schemaVersion: 1, data: {}, metadata: { correlationId: 'c', causationId: 'c', actor: 'a' }, occurredAt: '2026-01-01T00:00:00.000Z' }]);
      const logHas = async (streamId: string) => {
        for (let page = await store.readAll({ limit: 1000 }); ; page = await store.readAll({ after: page.cursor, limit: 1000 })) {
          if (page.events.some((event) => event.streamId === streamId)) return true;
          if (page.endOfLog) return false;
        }
      };
      const nextDoor = await openNeighbourWriteTransaction('os_event_store_next_door');
      try {
        // Three rounds, each with the transaction next door still open and holding an id.
        for (const round of [1, 2, 3]) {
          await placed(`order-next-door-${round}`);
          expect({ round, readable: await logHas(`order-next-door-${round}`) }).toEqual({ round, readable: true });
        }
        // A transaction in this database that holds an id may still append below a later commit:
        // that commit stays hidden until it ends (the gap-safety readAll exists for).
        const ownWriter = await openWriteTransaction(testDatabase.url);
        try {
          await placed('order-behind-own-writer');
          expect(await logHas('order-behind-own-writer')).toBe(false);
          await ownWriter.commit();
          expect(await logHas('order-behind-own-writer')).toBe(true);
        } finally {
          await ownWriter.close();
        }
      } finally {
        await nextDoor.close();
      }
    });

    it('migrates once when several processes start at the same time', async () => {
      const fresh = await createTestDatabase('os_event_store_start');
      try {
        const opened = await Promise.all(Array.from({ length: 4 }, () => openEventStoreDatabase({ url: fresh.url, chainKey: CHAIN_KEY, poolSize: 2 })));
        await Promise.all(opened.map((db) => db.close()));
        const owner = new Client({ connectionString: fresh.url });
        await owner.connect();
        const { rows } = await owner.query('SELECT name FROM migrations ORDER BY id');
        await owner.end();
        expect(rows.map((row: { name: string }) => row.name)).toEqual(['CreateAppRole1764150000001', 'CreateEventTables1764150000002', 'EventRepairs1799130000000', 'NamedSequences1800150000000', 'NamedSequencesMany1800160000000', 'NamedSequencesFirstUse1800170000000']);
      } finally {
        await fresh.drop();
      }
    });
  });
});
