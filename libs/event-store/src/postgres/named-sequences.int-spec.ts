import { eventually } from '@ordersource/testing/eventually';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresNamedSequences } from './named-sequences';
import { PostgresEventStore } from './postgres-event-store';

const CHAIN_KEY = 'sequences-suite-chain-key-0123456789';

/**
 * Named sequences (issue 15, order numbers): made on first use by the services' role, never a
 * number twice across pools (two processes), racing on the very first call included.
 */
describe('named sequences on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let first: EventStoreDatabase;
  let second: EventStoreDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store_sequences');
    first = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, poolSize: 8 });
    second = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, poolSize: 8 });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await testDatabase?.drop();
  });

  it('hands out distinct numbers to 2 x 300 concurrent callers on two pools, starting at 1, the sequence made by the first of them', async () => {
    const sequences = [new PostgresNamedSequences(first), new PostgresNamedSequences(second)];
    const drawn = await Promise.all(Array.from({ length: 600 }, (_, index) => sequences[index % 2].next('race_2026')));
    expect(new Set(drawn).size).toBe(600);
    expect(Math.min(...drawn)).toBe(1);
    // Another name counts on its own.
    expect(await sequences[0].next('race_2027')).toBe(1);
  });

  it("gives a caller that waited on a counter's first use, while another caller created it, the next number (not 42P01)", async () => {
    // The creator's transaction stays open until the other caller is seen waiting for it (on the
    // first-use lock), so the waiter must find the counter the creator committed and draw after it.
    const key = { field: 'orderNumber', prefix: 'OS-2051-' };
    const creator = await first.pool.connect();
    let open = false;
    try {
      await creator.query('BEGIN');
      open = true;
      const { rows } = await creator.query<{ n: string[] }>('SELECT named_sequence_next_many($1, 1, $2, $3)::text[] AS n', ['first_use_2051', key.field, key.prefix]);
      expect(rows[0].n).toEqual(['1']);
      const waiter = new PostgresNamedSequences(second).nextMany('first_use_2051', 2, key);
      await eventually('the second caller waits for the creator', async () => {
        const waiting = await first.pool.query(
          `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()`,
        );
        return waiting.rows.length > 0;
      });
      await creator.query('COMMIT');
      open = false;
      expect(await waiter).toEqual([2, 3]);
    } finally {
      if (open) await creator.query('ROLLBACK');
      creator.release();
    }
  });

  it("never fails a counter's raced first use: 40 new counters, each first drawn by 48 concurrent callers on two pools", async () => {
    // A stress test, not a proof: under load (~9 on 2 cores) the old function failed about one
    // counter in 20 of this shape with 42P01 (a caller whose CREATE SEQUENCE lost to a committed
    // one looked the sequence up through a stale catalog cache); at low load it rarely does.
    const sequences = [new PostgresNamedSequences(first), new PostgresNamedSequences(second)];
    let counters = 0;
    for (let round = 0; round < 40; round++) {
      const key = { field: 'orderNumber', prefix: `OS-R${round}-` };
      const drawn = await Promise.all(Array.from({ length: 48 }, (_, index) => sequences[index % 2].nextMany(`raced_first_${round}`, 1, key)));
      expect(new Set(drawn.flat()).size).toBe(48);
      counters++;
    }
    expect(counters).toBe(40);
  });

  it('runs as the services role, which may not create objects itself', async () => {
    const role = await first.pool.query<{ current_user: string; may_create: boolean }>(`SELECT current_user, has_schema_privilege('public', 'CREATE') AS may_create`);
    expect(role.rows[0]).toEqual({ current_user: 'ordersource_app', may_create: false });
    expect(await new PostgresNamedSequences(first).next('as_app_role')).toBe(1);
  });

  it('starts a counter behind a natural key after the highest value the log holds (a restored store)', async () => {
    const store = new PostgresEventStore(first);
    const values = ['OS-2031-000041', 'OS-2031-000007', 'OS-2030-000900', 'OS-2031-0000x9'];
    for (const [index, orderNumber] of values.entries()) {
      await store.appendToStream(`order-restored-${index}`, 'no_stream', [{ type: 'OrderPlaced', schemaVersion: 2, data: { orderNumber }, metadata: { correlationId: 'c', causationId: 'c', actor: 'a' }, occurredAt: '2031-01-01T00:00:00.000Z' }]);
    }
    const sequences = new PostgresNamedSequences(first);
    expect(await sequences.next('order_number_2031', { field: 'orderNumber', prefix: 'OS-2031-' })).toBe(42);
    expect(await sequences.next('order_number_2031', { field: 'orderNumber', prefix: 'OS-2031-' })).toBe(43);
    expect(await sequences.next('order_number_2032', { field: 'orderNumber', prefix: 'OS-2032-' })).toBe(1);
  });

  it('draws many numbers in one call: 2 pools x 20 concurrent calls of 1..40 numbers, interleaved with single draws, never one twice', async () => {
    const sequences = [new PostgresNamedSequences(first), new PostgresNamedSequences(second)];
    const calls = Array.from({ length: 40 }, (_, index) => (index % 5 === 4 ? sequences[index % 2].next('many_2026').then((n) => [n]) : sequences[index % 2].nextMany('many_2026', 1 + index)));
    const drawn = await Promise.all(calls);
    const expectedCount = Array.from({ length: 40 }, (_, index) => (index % 5 === 4 ? 1 : 1 + index)).reduce((sum, count) => sum + count, 0);
    expect(drawn.flat()).toHaveLength(expectedCount);
    expect(new Set(drawn.flat()).size).toBe(expectedCount);
    expect(Math.min(...drawn.flat())).toBe(1);
    // Within one call the numbers increase.
    for (const numbers of drawn) expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    expect(await sequences[0].nextMany('many_2026', 0)).toEqual([]);
  });

  it('starts a batch behind a natural key after the highest value the log holds, then continues with single draws', async () => {
    const store = new PostgresEventStore(first);
    await store.appendToStream('order-restored-many', 'no_stream', [{ type: 'OrderPlaced', schemaVersion: 2, data: { orderNumber: 'OS-2041-000099' }, metadata: { correlationId: 'c', causationId: 'c', actor: 'a' }, occurredAt: '2041-01-01T00:00:00.000Z' }]);
    const sequences = new PostgresNamedSequences(second);
    const key = { field: 'orderNumber', prefix: 'OS-2041-' };
    expect(await sequences.nextMany('order_number_2041', 3, key)).toEqual([100, 101, 102]);
    expect(await sequences.next('order_number_2041', key)).toBe(103);
    expect(await sequences.nextMany('order_number_2041', 2, key)).toEqual([104, 105]);
  });

  it('refuses a count outside 1..10000 in the database too, creating nothing', async () => {
    let refused = 0;
    for (const count of [-1, 10_001]) {
      await expect(first.pool.query('SELECT named_sequence_next_many($1, $2)', ['fine_count', count])).rejects.toThrow(/invalid count/);
      refused++;
    }
    await expect(new PostgresNamedSequences(first).nextMany('fine_count', 1.5)).rejects.toThrow(RangeError);
    expect(refused).toBe(2);
    const { rows } = await first.pool.query(`SELECT relname FROM pg_class WHERE relkind = 'S' AND relname = 'named_seq_fine_count'`);
    expect(rows).toEqual([]);
  });

  it('refuses a name or a natural key outside its alphabet, creating nothing', async () => {
    const sequences = new PostgresNamedSequences(first);
    let refused = 0;
    for (const [name, key] of [
      ['Upper', undefined],
      ['semi;colon', undefined],
      ['', undefined],
      ['x'.repeat(41), undefined],
      ['fine', { field: 'a b', prefix: 'OS-' }],
      ['fine', { field: 'orderNumber', prefix: "OS-'" }],
      ['fine', { field: 'orderNumber', prefix: '%' }],
    ] as const) {
      await expect(sequences.next(name, key)).rejects.toThrow(/invalid/);
      await expect(sequences.nextMany(name, 3, key)).rejects.toThrow(/invalid/);
      refused++;
    }
    expect(refused).toBe(7);
    const { rows } = await first.pool.query(`SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'named_seq_fine%'`);
    expect(rows).toEqual([]);
  });
});
