import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { isDuplicateAppend, type AppendResult, type NewEvent } from '../event-store.port';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresEventStore } from './postgres-event-store';

const event = (index: number): NewEvent => ({
  type: 'ItemAdded',
  schemaVersion: 1,
  data: { index },
  metadata: { correlationId: 'c', causationId: 'c', actor: 'a' },
  occurredAt: '2026-01-01T00:00:00.000Z',
});

/** Each test tampers with its own database, as a superuser who switched the trigger off. */
describe('verifyIntegrity against a superuser who rewrites history', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  let owner: Client;

  beforeEach(async () => {
    testDatabase = await createTestDatabase('os_event_store_tamper');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'tamper-suite-chain-key-0123456789', poolSize: 2 });
    store = new PostgresEventStore(database);
    owner = new Client({ connectionString: testDatabase.url });
    await owner.connect();
    await owner.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
  });

  afterEach(async () => {
    await owner?.end();
    await database?.close();
    await testDatabase?.drop();
  });

  async function append(streamId: string, count: number): Promise<AppendResult> {
    const result = await store.appendToStream(streamId, 'any', Array.from({ length: count }, (_, i) => event(i)));
    if (isDuplicateAppend(result)) throw new Error('unexpected duplicate');
    return result;
  }

  it('names the event whose data was altered', async () => {
    await append('order-a', 3);
    const victim = (await append('order-b', 4)).events[1];
    await append('order-c', 2);
    await owner.query(`UPDATE events SET data = '{"index": 99}' WHERE stream_id = 'order-b' AND version = 2`);
    const expected = { streamId: 'order-b', version: 2, position: victim.position, reason: expect.stringMatching(/hash/) };
    expect(await store.verifyIntegrity()).toMatchObject({ ok: false, firstBroken: expected });
    expect(await store.verifyIntegrity('order-b')).toMatchObject({ ok: false, firstBroken: expected });
    expect(await store.verifyIntegrity('order-c')).toEqual({ ok: true, checked: 2 });
  });

  it('names an event whose stored hash was overwritten', async () => {
    await append('order-a', 3);
    await owner.query(`UPDATE events SET hash = repeat('0', 64) WHERE stream_id = 'order-a' AND version = 2`);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: false, firstBroken: { streamId: 'order-a', version: 2 } });
  });

  it('catches a deleted tail through the stream head', async () => {
    await append('order-a', 5);
    await owner.query(`DELETE FROM events WHERE stream_id = 'order-a' AND version > 3`);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: false, firstBroken: { streamId: 'order-a', version: 3, reason: expect.stringMatching(/version 5/) } });
  });

  it('catches a deleted tail even when the head was rewritten to match, through its HMAC', async () => {
    await append('order-a', 5);
    await owner.query(`DELETE FROM events WHERE stream_id = 'order-a' AND version > 3`);
    await owner.query(`UPDATE streams SET version = 3, head_hash = (SELECT hash FROM events WHERE stream_id = 'order-a' AND version = 3)`);
    expect(await store.verifyIntegrity('order-a')).toMatchObject({ ok: false, firstBroken: { streamId: 'order-a', version: 3, reason: expect.stringMatching(/HMAC/) } });
  });

  it('catches a deleted middle event and a stream whose events all vanished', async () => {
    await append('order-a', 3);
    await append('order-b', 2);
    await owner.query(`DELETE FROM events WHERE stream_id = 'order-a' AND version = 2`);
    expect(await store.verifyIntegrity('order-a')).toMatchObject({ ok: false, firstBroken: { streamId: 'order-a', version: 3, reason: expect.stringMatching(/missing/) } });
    await owner.query(`DELETE FROM events WHERE stream_id = 'order-b'`);
    expect(await store.verifyIntegrity('order-b')).toMatchObject({ ok: false, firstBroken: { streamId: 'order-b', reason: expect.stringMatching(/events are missing/) } });
  });

  it('catches events whose stream row was deleted', async () => {
    await append('order-a', 2);
    await owner.query(`DELETE FROM streams WHERE stream_id = 'order-a'`);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: false, firstBroken: { streamId: 'order-a', version: 2, reason: expect.stringMatching(/stream row/) } });
  });

  it('reports a clean log as ok, across batch boundaries', async () => {
    for (let i = 0; i < 30; i++) await append(`order-${i}`, 100);
    expect(await store.verifyIntegrity()).toEqual({ ok: true, checked: 3000 });
  });
});
