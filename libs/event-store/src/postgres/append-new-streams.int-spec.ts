import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { events, newEvent, newStreamId } from '../contract/fixtures';
import { InvalidAppendError } from '../errors';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresEventStore } from './postgres-event-store';

describe('PostgresEventStore.appendToNewStreams (the import)', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_new_streams');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'new-streams-chain-key-0123456789', poolSize: 8 });
    store = new PostgresEventStore(database);
  });

  afterAll(async () => {
    await store.notificationsSent();
    await database?.close();
    await testDatabase?.drop();
  });

  it('creates every stream of a batch in one transaction, with chains that verify and heads at their versions', async () => {
    const batch = [
      { streamId: newStreamId(), events: events(3) },
      { streamId: newStreamId(), events: events(1) },
      { streamId: newStreamId(), events: events(7) },
    ];
    const result = await store.appendToNewStreams(batch);
    expect(result).toEqual({ created: batch.map(({ streamId, events: list }) => ({ streamId, version: list.length })), existing: [] });
    for (const { streamId, events: list } of batch) {
      const stored = await store.readStream(streamId);
      expect(stored.map((event) => event.version)).toEqual(list.map((_, index) => index + 1));
      expect(stored.map((event) => event.data)).toEqual(list.map((event) => event.data));
      expect(await store.streamVersion(streamId)).toBe(list.length);
      expect(await store.verifyIntegrity(streamId)).toMatchObject({ ok: true, checked: list.length });
      // Later appends continue the chain the batch started.
      await store.appendToStream(streamId, list.length, [newEvent('ItemAdded')]);
      expect(await store.verifyIntegrity(streamId)).toMatchObject({ ok: true, checked: list.length + 1 });
    }
    const { rows } = await database.pool.query<{ n: number }>('SELECT count(DISTINCT transaction_id)::int AS n FROM events WHERE stream_id = ANY($1)', [batch.map((b) => b.streamId)]);
    expect(rows[0].n).toBe(4);
  });

  it('leaves streams that exist untouched and names them, creating the rest', async () => {
    const present = newStreamId();
    await store.appendToStream(present, 'no_stream', events(2));
    const fresh = newStreamId();
    const result = await store.appendToNewStreams([
      { streamId: present, events: events(5) },
      { streamId: fresh, events: events(2) },
    ]);
    expect(result).toEqual({ created: [{ streamId: fresh, version: 2 }], existing: [present] });
    expect(await store.streamVersion(present)).toBe(2);
    expect((await store.appendToNewStreams([{ streamId: present, events: events(1) }])).existing).toEqual([present]);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: true });
  });

  it('validates the whole batch before writing anything', async () => {
    const ok = newStreamId();
    await expect(store.appendToNewStreams([{ streamId: ok, events: events(1) }, { streamId: 'bad id!', events: events(1) }])).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(store.appendToNewStreams([{ streamId: ok, events: events(1) }, { streamId: ok, events: events(1) }])).rejects.toThrow(/twice/);
    await expect(store.appendToNewStreams([{ streamId: ok, events: [] }])).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await store.streamVersion(ok)).toBe(0);
  });

  it('is seen by readAll in one piece', async () => {
    const before = await store.readAll({ limit: 10000 });
    const batch = [
      { streamId: newStreamId(), events: events(2) },
      { streamId: newStreamId(), events: events(2) },
    ];
    await store.appendToNewStreams(batch);
    const after = await store.readAll({ after: before.cursor, limit: 10000 });
    expect(after.events.map((event) => `${event.streamId}@${event.version}`)).toEqual(batch.flatMap(({ streamId }) => [`${streamId}@1`, `${streamId}@2`]));
  });
});
