import { eventually } from '@ordersource/testing/eventually';
import type { EventStoreDatabase, JsonObject, PostgresEventStore } from '@ordersource/event-store';
import { PostgresLogSubscriptions } from '@ordersource/messaging';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { projections } from '../projections';
import type { Projection } from '../projections/projection';
import type { ReadStore } from '../store/read-store.port';
import { PausableSubscriptions } from './pausable-subscriptions';
import { openRebuildStore } from './rebuild-views';
import { appendOrderHistories, historyEvent, LiveProjections, startReader, startTraffic, viewFingerprint } from './testing/rebuild-fixtures';
import { eventCount, openSuiteDatabase, spawnReplay, suiteRebuilder } from './testing/rebuild-suite';

/** How long a rebuild suite waits for the log and the views (the rebuild fixtures' old default). */
const SIXTY_SECONDS = { timeoutMs: 60_000 };

const ORDERS = 5000;

/** Version 1 of the payments projection, with the bug version 2 fixed: captures counted twice. */
const buggyPayments: Projection = {
  ...projections.payments,
  evolve: (head, event) => {
    const step = projections.payments.evolve(head, event);
    if (event.type !== 'PaymentCaptured' || !step.head) return step;
    const captured = (step.head.captured as number) + ((event.data as JsonObject).amount as number);
    return { ...step, head: { ...step.head, captured } };
  },
};

describe('rebuilding read models on the embedded profile (PostgreSQL read store, PostgreSQL log)', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let eventStore: PostgresEventStore;
  let store: ReadStore;
  let live: LiveProjections;
  let source: PostgresLogSubscriptions;
  let versions: Map<string, number>;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_rebuild_pg');
    ({ database, eventStore } = await openSuiteDatabase(testDatabase.url));
    store = await openRebuildStore('embedded', { pool: database.pool });
    versions = await appendOrderHistories(eventStore, ORDERS);
    source = new PostgresLogSubscriptions({ store: eventStore, database, url: testDatabase.url, pollMs: 100 });
    // The payments view is live on version 1 of its projection, with its bug.
    live = new LiveProjections(new PausableSubscriptions(source, database.pool), store, [...Object.values(projections).filter((p) => p.name !== 'payments'), buggyPayments]);
    await live.start();
    const events = await eventCount(database);
    await eventually(() => `the live views have all ${events} events: ${live.describe()}`, () => live.caughtUpWith(events), { timeoutMs: 180_000 });
  }, 240_000);

  afterAll(async () => {
    await live?.stop();
    await database?.close();
    await testDatabase?.drop();
  });

  const rebuilder = (overrides?: Readonly<Record<string, Projection>>) => suiteRebuilder(testDatabase.url, database, eventStore, store, source, overrides);

  it('rebuilds a view while ~50 commands/s arrive: readers never see it broken, and it ends equal to a clean rebuild', async () => {
    const orderIds = [...versions.keys()];
    const traffic = startTraffic(eventStore, versions, 50);
    const reader = startReader(store, orderIds);
    const before = (await store.generations('order-tracking')).active;
    await eventually('commands are arriving', async () => traffic.appended() > 10, SIXTY_SECONDS);
    const atStart = traffic.appended();
    const started = await rebuilder().start('order-tracking');
    const record = await started.done;
    const duringRebuild = traffic.appended() - atStart;
    await traffic.stop();
    const read = await reader.stop();

    expect(record).toMatchObject({ status: 'swapped', error: null });
    expect((await store.generations('order-tracking')).active).toBe(record.generation);
    expect(record.generation).not.toBe(before);
    // Commands kept arriving while it ran (how many depends on how fast the machine rebuilds).
    expect(duringRebuild).toBeGreaterThan(0);
    expect(read.reads).toBeGreaterThan(20);
    expect(read.failures).toEqual([]);
    const events = await eventCount(database);
    await eventually(() => `the live views have all ${events} events: ${live.describe()}`, () => live.caughtUpWith(events), SIXTY_SECONDS);
    // A verify-only rebuild replays the log again from scratch and diffs it against the swapped view.
    const verified = await (await rebuilder().start('order-tracking', { verifyOnly: true })).done;
    expect(verified).toMatchObject({ status: 'verified', differences: 0, differingIds: [] });
    expect(verified.liveCount).toBe(versions.size);
    const changed = [...traffic.touched].slice(0, 50);
    for (const orderId of changed) expect((await store.findById({ view: 'order-tracking', id: orderId }))?.version).toBe(versions.get(orderId));
    expect(live.gaps).toBe(0);
  }, 240_000);

  it('names exactly the documents a fixed projection changes, swaps them in, and rolls back to the old view', async () => {
    const { rows } = await database.pool.query<{ stream_id: string }>("SELECT DISTINCT stream_id FROM events WHERE type = 'PaymentCaptured'");
    const capturedOrders = rows.map((row) => row.stream_id.slice('order-'.length)).sort();
    expect(capturedOrders.length).toBeGreaterThan(10);

    const verified = await (await rebuilder().start('payments', { verifyOnly: true })).done;
    expect(verified.status).toBe('verified');
    expect([...(verified.differingIds ?? [])].sort()).toEqual(capturedOrders);
    expect(verified.differences).toBe(capturedOrders.length);

    const buggyCaptured = (await store.findById({ view: 'payments', id: capturedOrders[0] }))?.captured as number;
    const swapped = await (await rebuilder().start('payments')).done;
    expect(swapped).toMatchObject({ status: 'swapped', differences: capturedOrders.length });
    const fixed = await store.findById({ view: 'payments', id: capturedOrders[0] });
    expect(fixed?.captured).toBe(buggyCaptured / 2);

    // The live projection moves an order on the new view; the old one must not come back stale.
    const [moved, version] = [...versions.entries()].find(([orderId, v]) => v >= 3 && v < 10 && orderId !== capturedOrders[0]) as [string, number];
    await eventStore.appendToStream(`order-${moved}`, version, [historyEvent(moved, version + 1)]);
    versions.set(moved, version + 1);
    const events = await eventCount(database);
    await eventually(() => `the live views have all ${events} events: ${live.describe()}`, () => live.caughtUpWith(events), SIXTY_SECONDS);

    await rebuilder().rollback('payments');
    expect((await store.findById({ view: 'payments', id: capturedOrders[0] }))?.captured).toBe(buggyCaptured);
    expect((await store.findById({ view: 'payments', id: moved }))?.version).toBe(version + 1);
    await rebuilder().rollback('payments');
    expect((await store.findById({ view: 'payments', id: capturedOrders[0] }))?.captured).toBe(buggyCaptured / 2);
  }, 240_000);

  it('resumes a rebuild killed with SIGKILL halfway, and finishes it equal to a clean rebuild', async () => {
    const first = replay(['audit']);
    const view = 'audit';
    await eventually('the rebuild is halfway', async () => {
      const row = await rebuilder().records.unfinished(view);
      return row !== undefined && row.processed >= row.total / 2;
    }, SIXTY_SECONDS);
    first.child.kill('SIGKILL');
    await first.exited;
    const killed = await rebuilder().records.unfinished(view);
    // Killed while replaying, or (on a fast machine) while diffing: both resume.
    expect(['running', 'verifying']).toContain(killed?.status);
    expect(killed?.processed).toBeLessThan(await eventCount(database));

    const second = replay(['audit']);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain(`rebuild ${killed?.rebuildId} resumed from its checkpoint`);
    const resumed = await rebuilder().records.latest(view);
    expect(resumed).toMatchObject({ rebuildId: killed?.rebuildId, status: 'swapped' });
    expect((await store.generations(view)).active).toBe(killed?.generation);

    const clean = await (await rebuilder().start(view, { verifyOnly: true })).done;
    expect(clean).toMatchObject({ status: 'verified', differences: 0 });
    expect(clean.liveCount).toBe(await eventCount(database));
  }, 240_000);

  it('restores every view from the log alone after the read store was dropped (replay all)', async () => {
    const views = Object.values(projections).map((projection) => projection.view);
    await live.stop();
    const before = new Map<string, Map<string, string>>();
    for (const view of views) before.set(view.name, await viewFingerprint(store, view));
    const { rows } = await database.pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'read_models'");
    await database.pool.query(`DROP TABLE ${rows.map((row) => `read_models."${row.tablename}"`).join(', ')}`);

    const restore = replay(['all']);
    expect(await restore.exited).toBe(0);
    expect(restore.output().match(/: swapped;/g)).toHaveLength(views.length);
    for (const view of views) {
      const after = await viewFingerprint(store, view);
      expect(after.size).toBe(before.get(view.name)?.size);
      expect(after).toEqual(before.get(view.name));
    }
  }, 240_000);

  function replay(args: string[]) {
    return spawnReplay(args, { DATABASE_URL: testDatabase.url, ORDERSOURCE_PROFILE: 'embedded' });
  }
});
