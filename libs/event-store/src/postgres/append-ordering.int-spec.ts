import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { LogEvent, NewEvent } from '../event-store.port';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresEventStore } from './postgres-event-store';

const event = (writer: string): NewEvent => ({
  type: 'ItemAdded',
  schemaVersion: 1,
  data: { writer },
  metadata: { correlationId: 'c', causationId: 'c', actor: 'a' },
  occurredAt: '2026-01-01T00:00:00.000Z',
});

/**
 * readAll orders the log by transaction id, so within a stream the id must grow with the
 * version, and time travel filters on recordedAt, so it must not fall as the version grows. An
 * append that wrote its idempotency row before locking the stream took its transaction id (and
 * its now()) early: a writer that locked the stream in between then committed the EARLIER
 * version with the LATER id and time. A test-only trigger that sleeps after the idempotency
 * insert widens that window from microseconds to 300 ms, so the race is certain, not lucky.
 */
describe('append ordering under a slow idempotency write', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store_ordering');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'ordering-suite-chain-key-0123456789', poolSize: 4 });
    store = new PostgresEventStore(database);
    const owner = new Client({ connectionString: testDatabase.url });
    await owner.connect();
    await owner.query(`CREATE FUNCTION slow_idempotency() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$`);
    await owner.query('CREATE TRIGGER slow_idempotency AFTER INSERT ON idempotency FOR EACH ROW EXECUTE FUNCTION slow_idempotency()');
    await owner.end();
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('keeps a stream in version order in readAll and recordedAt when an append with an idempotency key is overtaken', async () => {
    const streamId = 'order-overtaken';
    const slow = store.appendToStream(streamId, 'any', [event('slow')], {
      idempotency: { scope: 'test', key: 'k1', requestHash: 'h1', result: (appended) => ({ version: appended.version }) },
    });
    await sleep(100); // the slow writer is now inside its idempotency write
    const fast = store.appendToStream(streamId, 'any', [event('fast')]);
    await Promise.all([slow, fast]);

    const log: LogEvent[] = [];
    for (let page = await store.readAll({ limit: 100 }); ; page = await store.readAll({ after: page.cursor, limit: 100 })) {
      log.push(...page.events);
      if (page.endOfLog) break;
    }
    const stream = log.filter((e) => e.streamId === streamId);
    expect(stream.map((e) => e.version)).toEqual([1, 2]);
    expect(stream[0].recordedAt <= stream[1].recordedAt).toBe(true);
    expect((await store.verifyIntegrity(streamId)).ok).toBe(true);
  });
});
