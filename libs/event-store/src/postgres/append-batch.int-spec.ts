import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import type { AppendResult, LogEvent, NewEvent } from '../event-store.port';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresEventStore } from './postgres-event-store';

const event = (n: number, eventId?: string): NewEvent => ({
  type: 'ItemAdded',
  schemaVersion: 1,
  data: { n, note: 'quote " backslash \\ dollar $1 é' },
  metadata: { correlationId: 'c', causationId: 'c', actor: 'a' },
  occurredAt: '2026-01-01T00:00:00.000Z',
  ...(eventId ? { eventId } : {}),
});

const events = (from: number, count: number) => Array.from({ length: count }, (_, i) => event(from + i));

/**
 * Group commit (append-batch.ts). The stores here allow ONE append statement in flight, so of
 * appends started together the first goes alone and all the others wait for it and go as one
 * batch: each test below starts its appends in one tick and so puts them in one transaction.
 */
describe('appends batched into one transaction', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let owner: Pool;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store_batch');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: 'batch-suite-chain-key-0123456789abcdef', poolSize: 8 });
    owner = new Pool({ connectionString: testDatabase.url, max: 2 });
  });

  afterAll(async () => {
    await owner?.end();
    await database?.close();
    await testDatabase?.drop();
  });

  /** The transactions the streams' events were written in, and each stream's (version, position) in log order. */
  async function written(prefix: string) {
    const { rows } = await owner.query<{ stream_id: string; version: number; position: string; transaction_id: string }>(
      `SELECT stream_id, version, position, transaction_id::text FROM events WHERE stream_id LIKE $1 ORDER BY transaction_id, position`,
      [`${prefix}%`],
    );
    const byStream = new Map<string, number[]>();
    for (const row of rows) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row.version]);
    return { transactions: new Set(rows.map((row) => row.transaction_id)).size, rows: rows.length, byStream };
  }

  it('commits concurrent appends to new and existing streams in fewer transactions, each stream in version order, the chain intact', async () => {
    const store = new PostgresEventStore(database, { appendsInFlight: 1 });
    const streams = Array.from({ length: 24 }, (_, i) => `batch-mixed-${i}`);
    // Half the streams exist (at version 2); the other half are new. Multi-event appends too.
    for (const streamId of streams.slice(0, 12)) await store.appendToStream(streamId, 'no_stream', events(1, 2));
    const before = await written('batch-mixed-');

    const results = (await Promise.all(
      streams.map((streamId, i) => store.appendToStream(streamId, i < 12 ? 2 : 'no_stream', events(i < 12 ? 3 : 1, 1 + (i % 5)))),
    )) as AppendResult[];

    const after = await written('batch-mixed-');
    // 24 appends; the first alone, the other 23 in one batch: two transactions, not 24.
    expect(after.transactions - before.transactions).toBe(2);
    expect(after.rows - before.rows).toBe(results.reduce((sum, r) => sum + r.events.length, 0));
    for (const [i, streamId] of streams.entries()) {
      const start = i < 12 ? 2 : 0;
      const expected = Array.from({ length: start + 1 + (i % 5) }, (_, v) => v + 1);
      // Log order (transaction id, position) within each stream is version order.
      expect(after.byStream.get(streamId)).toEqual(expected);
      expect(results[i]).toMatchObject({ streamId, version: expected.length });
      const stream = await store.readStream(streamId);
      expect(stream.map((e) => e.version)).toEqual(expected);
      expect(results[i].events.map((e) => e.position)).toEqual(stream.slice(start).map((e) => e.position));
      expect(stream.map((e) => e.recordedAt)).toEqual([...stream.map((e) => e.recordedAt)].sort());
    }
    expect(await store.verifyIntegrity()).toMatchObject({ ok: true });

    // readAll returns every batched event once, each stream in version order.
    const seen = new Map<string, number[]>();
    for (let page = await store.readAll({ limit: 50 }); ; page = await store.readAll({ after: page.cursor, limit: 50 })) {
      for (const e of page.events as LogEvent[]) {
        if (e.streamId.startsWith('batch-mixed-')) seen.set(e.streamId, [...(seen.get(e.streamId) ?? []), e.version]);
      }
      if (page.endOfLog) break;
    }
    expect(seen).toEqual(after.byStream);
  });

  it('lands a duplicate event id on the append that carried it; the rest of its batch commits', async () => {
    const store = new PostgresEventStore(database, { appendsInFlight: 1 });
    const taken = randomUUID();
    await store.appendToStream('batch-dup-owner', 'no_stream', [event(1, taken)]);
    const streams = Array.from({ length: 6 }, (_, i) => `batch-dup-${i}`);
    const outcomes = await Promise.allSettled(
      streams.map((streamId, i) => store.appendToStream(streamId, 'no_stream', [event(1), ...(i === 3 ? [event(2, taken)] : [])])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
    expect(await store.streamVersion('batch-dup-3')).toBe(0);
    for (const i of [0, 1, 2, 4, 5]) expect(await store.streamVersion(streams[i])).toBe(1);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: true });
  });

  it('a member whose head moved meanwhile gets the true version; the others commit', async () => {
    const stale = new PostgresEventStore(database, { appendsInFlight: 1 });
    const other = new PostgresEventStore(database);
    const streams = Array.from({ length: 5 }, (_, i) => `batch-stale-${i}`);
    for (const streamId of streams) await stale.appendToStream(streamId, 'no_stream', [event(1)]);
    // Another process moves stream 2 to version 3; `stale` still remembers version 1.
    await other.readStream(streams[2]);
    await other.appendToStream(streams[2], 1, [event(2), event(3)]);

    const outcomes = await Promise.allSettled(streams.map((streamId) => stale.appendToStream(streamId, 1, [event(2)])));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ constructor: WrongExpectedVersionError, actual: 3 });
    expect(await Promise.all(streams.map((s) => stale.streamVersion(s)))).toEqual([2, 2, 3, 2, 2]);
    // With 'any' the stale member is appended after the true head (the locked path), not lost.
    const anyOutcomes = (await Promise.all(streams.map((streamId) => stale.appendToStream(streamId, 'any', [event(9)])))) as AppendResult[];
    expect(anyOutcomes.map((r) => r.version)).toEqual([3, 3, 4, 3, 3]);
    expect(await stale.verifyIntegrity()).toMatchObject({ ok: true });
  });

  it('two appends to one stream at one head, started together: one commits, the other is refused, nothing is lost', async () => {
    const store = new PostgresEventStore(database, { appendsInFlight: 1 });
    await store.appendToStream('batch-same', 'no_stream', [event(1)]);
    const fillers = Array.from({ length: 3 }, (_, i) => store.appendToStream(`batch-same-filler-${i}`, 'no_stream', [event(1)]));
    const outcomes = await Promise.allSettled([
      ...fillers,
      store.appendToStream('batch-same', 1, [event(2)]),
      store.appendToStream('batch-same', 1, [event(20)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[4] as PromiseRejectedResult).reason).toMatchObject({ constructor: WrongExpectedVersionError, actual: 2 });
    expect((await store.readStream('batch-same')).map((e) => e.data.n)).toEqual([1, 2]);
  });

  it('two processes batching the same streams in opposite orders queue on the heads, never deadlock; the later batch is refused cleanly', async () => {
    // Two stores on pools of their own, as two command-service workers are; each reports a batch refused whole.
    const refused: string[] = [];
    const stores = [0, 1].map(() => new PostgresEventStore(database, { appendsInFlight: 1, onBatchRefused: (error) => refused.push(String(error.code)) }));
    const [a, b] = ['batch-order-a', 'batch-order-b'];
    // Enough streams that the server finds heads by index in the order the batch gives them, as in
    // production (on a few rows it may scan the table, in one order for everyone, and hide the bug).
    for (let from = 0; from < 4000; from += 1000) {
      await stores[0].appendToNewStreams(Array.from({ length: 1000 }, (_, i) => ({ streamId: `batch-order-filler-${from + i}`, events: [event(1)] })));
    }
    await owner.query('ANALYZE streams');
    for (const streamId of [a, b]) await stores[0].appendToStream(streamId, 'no_stream', [event(1)]);
    for (const store of stores) for (const streamId of [a, b]) await store.readStream(streamId);
    const lockWaits = async (count: number) => {
      let waiting = 0;
      for (let attempt = 0; attempt < 500 && waiting < count; attempt++) {
        const { rows } = await owner.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%jsonb_to_recordset($1::jsonb)%'`,
        );
        waiting = rows[0].n;
        if (waiting < count) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return waiting;
    };
    // Each store's first append goes alone (a new stream); the two after it go as one batch. Store 1
    // is given b then a, store 0 a then b. A third session holds b. Locking heads in the order given,
    // store 1 would wait for b holding nothing, store 0 would take a and queue for b behind it, and
    // when b is let go store 1 would take it and wait for a: a deadlock (40P01) after a second.
    const holder = await owner.connect();
    const outcomes: PromiseSettledResult<unknown>[][] = [];
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM streams WHERE stream_id = '${b}' FOR UPDATE`);
      const second = Promise.allSettled([stores[1].appendToStream('batch-order-alone-1', 'no_stream', [event(1)]), stores[1].appendToStream(b, 1, [event(20)]), stores[1].appendToStream(a, 1, [event(20)])]);
      expect(await lockWaits(1)).toBe(1);
      const first = Promise.allSettled([stores[0].appendToStream('batch-order-alone-0', 'no_stream', [event(1)]), stores[0].appendToStream(a, 1, [event(2)]), stores[0].appendToStream(b, 1, [event(2)])]);
      expect(await lockWaits(2)).toBe(2);
      await holder.query('COMMIT');
      outcomes.push(await first, await second);
    } finally {
      holder.release();
    }
    expect(refused).toEqual([]);
    // Store 1's batch, first in line, moved both heads; store 0's found both moved, and its callers the true version.
    expect(outcomes.map((o) => o.map((x) => x.status))).toEqual([
      ['fulfilled', 'rejected', 'rejected'],
      ['fulfilled', 'fulfilled', 'fulfilled'],
    ]);
    for (const outcome of outcomes[0].slice(1)) expect((outcome as PromiseRejectedResult).reason).toMatchObject({ constructor: WrongExpectedVersionError, actual: 2 });
    for (const streamId of [a, b]) expect((await stores[0].readStream(streamId)).map((e) => e.data.n)).toEqual([1, 20]);
    expect(await stores[0].verifyIntegrity()).toMatchObject({ ok: true });
  });

  it('reports a batch the server refused whole, with its error, before sending its members alone', async () => {
    const refused: { code: string | undefined; members: number }[] = [];
    const store = new PostgresEventStore(database, { appendsInFlight: 1, onBatchRefused: (error, members) => refused.push({ code: error.code, members }) });
    const taken = randomUUID();
    await store.appendToStream('batch-report-owner', 'no_stream', [event(1, taken)]);
    const outcomes = await Promise.allSettled([
      store.appendToStream('batch-report-alone', 'no_stream', [event(1)]),
      store.appendToStream('batch-report-0', 'no_stream', [event(1)]),
      store.appendToStream('batch-report-1', 'no_stream', [event(1, taken)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    // 23505: the duplicate event id, reported once for the batch that carried it (two or three members).
    expect(refused).toEqual([{ code: '23505', members: expect.any(Number) }]);
    expect(refused[0].members).toBeGreaterThanOrEqual(2);
  });

  it('refuses a non-positive number of appends in flight', () => {
    expect(() => new PostgresEventStore(database, { appendsInFlight: 0 })).toThrow(RangeError);
  });

  it('a batch whose connection is killed mid-statement fails every member with that error and retries none of them', async () => {
    const store = new PostgresEventStore(database, { appendsInFlight: 1 });
    await store.appendToStream('batch-kill-locked', 'no_stream', [event(1)]);
    // Another session holds the head row of one member, so the batch waits mid-statement.
    const holder = await owner.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM streams WHERE stream_id = 'batch-kill-locked' FOR UPDATE`);
      const settled = Promise.allSettled([
        store.appendToStream('batch-kill-alone', 'no_stream', [event(1)]),
        store.appendToStream('batch-kill-locked', 1, [event(2)]),
        ...Array.from({ length: 3 }, (_, i) => store.appendToStream(`batch-kill-${i}`, 'no_stream', [event(1)])),
      ]);
      let killed = 0;
      for (let attempt = 0; attempt < 200 && killed === 0; attempt++) {
        const { rows } = await owner.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%jsonb_to_recordset($1::jsonb)%'`,
        );
        for (const { pid } of rows) {
          await owner.query('SELECT pg_terminate_backend($1)', [pid]);
          killed++;
        }
        if (killed === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(killed).toBe(1);
      const outcomes = await settled;
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected']);
      for (const outcome of outcomes.slice(1)) expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: '57P01' });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    // Nothing of the batch was written, nor written again behind the callers' backs.
    expect(await Promise.all(['batch-kill-locked', 'batch-kill-0', 'batch-kill-1', 'batch-kill-2'].map((s) => store.streamVersion(s)))).toEqual([1, 0, 0, 0]);
    // The store goes on: the same appends, made again, commit.
    await store.appendToStream('batch-kill-locked', 1, [event(2)]);
    expect(await store.streamVersion('batch-kill-locked')).toBe(2);
  });
});
