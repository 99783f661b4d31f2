import { eventually } from '@ordersource/testing/eventually';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from '../errors';
import { isDuplicateAppend, type AppendResult, type LogEvent, type NewEvent } from '../event-store.port';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresEventStore } from './postgres-event-store';

const event = (n: number): NewEvent => ({
  type: 'ItemAdded',
  schemaVersion: 1,
  data: { n, note: 'quote " backslash \\ dollar $1 é' },
  metadata: { correlationId: 'c', causationId: 'c', actor: 'a' },
  occurredAt: '2026-01-01T00:00:00.000Z',
});

/**
 * The one-round-trip append at a known head (append.ts): two stores stand for two processes,
 * each with its own memory of stream heads, so one of them always starts from a stale head.
 */
describe('appends at a known stream head', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store_at_head');
    // Two connections: a transaction left open by a failed append would block what follows.
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'at-head-suite-chain-key-0123456789', poolSize: 2 });
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('refuses a stale head with the actual version, then appends at the true one, chain and log order intact', async () => {
    const first = new PostgresEventStore(database);
    const second = new PostgresEventStore(database);
    const streamId = 'order-stale-head';
    const created = (await first.appendToStream(streamId, 'no_stream', [event(1)])) as AppendResult;
    expect(created.version).toBe(1);
    await second.readStream(streamId);
    expect(((await second.appendToStream(streamId, 1, [event(2), event(3)])) as AppendResult).version).toBe(3);

    // `first` remembers version 1: its attempt at 1 is refused, with the version that is there.
    await expect(first.appendToStream(streamId, 1, [event(9)])).rejects.toMatchObject({ constructor: WrongExpectedVersionError, actual: 3 });
    const appended = (await first.appendToStream(streamId, 3, [event(4)])) as AppendResult;
    expect(appended.events.map((e) => e.version)).toEqual([4]);
    expect(appended.events[0].previousHash).toBe((await second.readStream(streamId, { fromVersion: 3, toVersion: 3 }))[0].hash);

    const stream = await first.readStream(streamId);
    expect(stream.map((e) => e.data.n)).toEqual([1, 2, 3, 4]);
    expect(stream.map((e) => e.recordedAt)).toEqual([...stream.map((e) => e.recordedAt)].sort());
    expect(appended.events[0]).toMatchObject({ hash: stream[3].hash, position: stream[3].position, recordedAt: stream[3].recordedAt });
    // readAll shows a committed event once no older transaction can still commit (the server's
    // xmin, cluster-wide): on a shared server another database's open transaction delays it.
    const versionsInLog = async () => {
      const log: LogEvent[] = [];
      for (let page = await first.readAll({ limit: 2 }); ; page = await first.readAll({ after: page.cursor, limit: 2 })) {
        log.push(...page.events);
        if (page.endOfLog) break;
      }
      return log.filter((e) => e.streamId === streamId).map((e) => e.version);
    };
    const inLog = await eventually('readAll to show all four events', async () => {
      const versions = await versionsInLog();
      return versions.length >= 4 && versions;
    });
    expect(inLog).toEqual([1, 2, 3, 4]);
    expect(await first.verifyIntegrity(streamId)).toEqual({ ok: true, checked: 4 });
  });

  it('lets exactly one of several concurrent appends create a new stream', async () => {
    const stores = Array.from({ length: 4 }, () => new PostgresEventStore(database));
    const outcomes = await Promise.allSettled(stores.map((store, i) => store.appendToStream('order-new-race', 'no_stream', [event(i)])));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    }
    expect(await stores[0].streamVersion('order-new-race')).toBe(1);
    expect((await stores[0].verifyIntegrity('order-new-race')).ok).toBe(true);
  });

  it('keeps the idempotency record in the same transaction and leaves no transaction open on a refusal', async () => {
    const store = new PostgresEventStore(database);
    const key = { scope: 'test', key: 'at-head-1', requestHash: 'h1', result: (r: AppendResult) => ({ version: r.version, position: r.position }) };
    const first = (await store.appendToStream('order-idem', 'no_stream', [event(1)], { idempotency: key })) as AppendResult;
    const again = await store.appendToStream('order-idem', 'no_stream', [event(1)], { idempotency: key });
    // The repeat's head is stale ('no_stream'): it takes the locked path and finds the record.
    expect(isDuplicateAppend(again) && again.result).toEqual({ version: 1, position: first.position });
    const next = { ...key, key: 'at-head-2' };
    await store.appendToStream('order-idem', 1, [event(2)], { idempotency: next });
    const repeat = await store.appendToStream('order-idem', 2, [event(2)], { idempotency: next });
    expect(isDuplicateAppend(repeat) && repeat.result).toMatchObject({ version: 2 });
    await expect(store.appendToStream('order-idem', 2, [event(3)], { idempotency: { ...next, requestHash: 'other' } })).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    // Each refusal above rolled back on one of only two connections; these would wait forever otherwise.
    expect(((await store.appendToStream('order-idem', 2, [event(3)])) as AppendResult).version).toBe(3);
    expect(await store.streamVersion('order-idem')).toBe(3);
    expect((await store.verifyIntegrity('order-idem')).ok).toBe(true);
  });
});
