import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { orderUpcasters } from '@ordersource/domain';
import { exportLog, openEventStoreDatabase, PostgresEventStore, readLines, restoreExport, verifyExport, type EventStoreDatabase, type NewEvent } from '@ordersource/event-store';
import { createPersonalDataVault, personalDataMigrations } from '@ordersource/personal-data';
import { requireSecret } from '@ordersource/platform';
import { eventually } from '@ordersource/testing/eventually';
import { createTestDatabase } from '@ordersource/testing/postgres';
import { ok } from './support/http';
import { keys } from './support/keys';
import { Stack, profiles, startStack } from './support/stack';
import { startTopicConsumer } from './support/topic-consumers';

/**
 * The first real schema change (issue 15): a store that holds OrderPlaced v1 events, written
 * here as the code before v2 wrote them (sealed, with its metadata), beside a v2 order placed
 * through the API. Every view, history, time travel, rebuild, export and Kafka consumer reads
 * v1 as v2 with `channel: "web"`, and the stored bytes stay as they were: the hash chain of
 * the old events still verifies.
 */
const LEGACY = 3;
const EVENTS_PER_LEGACY = 3;
const HOUR = 3_600_000;
const placedAt = new Date(Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR);
const at = (minutes: number) => new Date(placedAt.getTime() + minutes * 60_000).toISOString();

/** What the code before OrderPlaced v2 appended for an order placed, authorized and captured. */
function oldCodeHistory(orderId: string, customerId: string, index: number) {
  const total = 1000 + index * 100;
  return [
    { type: 'OrderPlaced', schemaVersion: 1, occurredAt: at(index), data: { orderId, customerId, currency: 'EUR', items: [{ sku: 'MUG', quantity: 1, unitPrice: total }], total, shippingAddress: { name: `Legacy ${index}`, line1: '1 Old Road', city: 'York', postalCode: 'YO1 7HH', country: 'GB' } } },
    { type: 'PaymentAuthorized', schemaVersion: 1, occurredAt: at(index + 1), data: { orderId, amount: total, method: 'card' } },
    { type: 'PaymentCaptured', schemaVersion: 1, occurredAt: at(index + 2), data: { orderId, amount: total } },
  ];
}

describe.each(profiles)('a store holding OrderPlaced v1 events written by the old code (%s profile)', (profile) => {
  let stack: Stack;
  let database: EventStoreDatabase;
  const legacy = Array.from({ length: LEGACY }, (_, index) => ({ orderId: randomUUID(), customerId: index % 2 ? 'cust-b' : 'cust-a', index }));
  let current: { orderId: string; orderNumber: string };
  const waitFor = (version: number) => ({ 'x-min-version': String(version), 'x-wait-ms': '10000' });

  beforeAll(async () => {
    stack = await startStack(profile);
    database = await openEventStoreDatabase({ url: stack.config.databaseUrl, chainKey: requireSecret(stack.config.chainKey, 'ORDERSOURCE_CHAIN_KEY'), extraMigrations: personalDataMigrations });
    const vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey: requireSecret(stack.config.masterKey, 'ORDERSOURCE_MASTER_KEY') });
    // The old code's store: no upcasters, appending v1 as it was.
    const oldStore = new PostgresEventStore(database);
    for (const { orderId, customerId, index } of legacy) {
      const sealed = await vault.sealEvents(customerId, oldCodeHistory(orderId, customerId, index));
      const metadata = { correlationId: `legacy-${index}`, causationId: `req-${index}`, actor: 'ops.k2', customerId, requestedAt: at(index) };
      await oldStore.appendToStream(`order-${orderId}`, 'no_stream', sealed.map((event) => ({ ...event, metadata }) as unknown as NewEvent));
    }
    await oldStore.notificationsSent();
    const body = { customerId: 'cust-a', currency: 'EUR', channel: 'app', items: [{ sku: 'TEA', quantity: 2, unitPrice: 450 }], shippingAddress: { name: 'New', line1: '2 New Road', city: 'York', postalCode: 'YO1 7HH', country: 'GB' } };
    current = ok(await stack.command.post('/orders', body, { key: keys.customerA }), 201, 'placing a v2 order');
  }, 240_000);
  afterAll(async () => {
    await database?.close();
    await stack?.stop();
  });

  /** Every read the query service offers, for every order; returns how many reads were checked. */
  async function expectChannelsEverywhere(): Promise<number> {
    let reads = 0;
    for (const { orderId, customerId } of legacy) {
      const key = customerId === 'cust-a' ? keys.customerA : keys.customerB;
      const tracking = ok(await stack.query.get(`/orders/${orderId}`, { key, headers: waitFor(EVENTS_PER_LEGACY) }), 200, 'tracking');
      expect(tracking).toMatchObject({ orderId, channel: 'web', orderNumber: null, status: 'PAID', version: EVENTS_PER_LEGACY });
      const history = ok(await stack.query.get(`/orders/${orderId}/history`, { key }), 200, 'history');
      expect(history.events[0]).toMatchObject({ type: 'OrderPlaced', version: 1, data: { channel: 'web', customerId, shippingAddress: { city: 'York' } } });
      for (const version of [1, EVENTS_PER_LEGACY]) {
        expect(ok(await stack.query.get(`/orders/${orderId}/state?asOfVersion=${version}`, { key }), 200, 'time travel')).toMatchObject({ channel: 'web', version });
      }
      const listed = ok(await stack.query.get(`/orders?customerId=${customerId}`, { key: keys.operator }), 200, 'list');
      expect(listed.items.find((item: { orderId: string }) => item.orderId === orderId)).toMatchObject({ channel: 'web' });
      reads += 5;
    }
    expect(ok(await stack.query.get(`/orders/by-number/${current.orderNumber}`, { headers: waitFor(1) }), 200, 'v2 order')).toMatchObject({ orderId: current.orderId, channel: 'app' });
    const from = new Date(placedAt.getTime() - HOUR).toISOString();
    const to = new Date(Date.now() + HOUR).toISOString();
    const placedPerChannel = async () => {
      const answer = ok(await stack.query.get(`/analytics/orders?from=${from}&to=${to}&bucket=day&groupBy=channel`, { key: keys.operator }), 200, 'analytics');
      return Object.fromEntries(answer.series.map((series: { key: string; points: { placed: number }[] }) => [series.key, series.points.reduce((sum, point) => sum + point.placed, 0)]));
    };
    await eventually('analytics counts every order by channel', async () => (await placedPerChannel()).app === 1, { timeoutMs: 30_000 });
    expect(await placedPerChannel()).toEqual({ web: LEGACY, app: 1 });
    return reads + 2;
  }

  it('shows channel "web" for v1 orders in tracking, history, time travel and the list, and analytics groups by the real channels', async () => {
    expect(await expectChannelsEverywhere()).toBe(LEGACY * 5 + 2);
  });

  it('never touches the stored bytes: the v1 events are still v1 without a channel, and the hash chain verifies', async () => {
    const { rows } = await stack.pg.query<{ schema_version: number; has_channel: boolean }>(
      `SELECT schema_version, data ? 'channel' AS has_channel FROM events WHERE type = 'OrderPlaced' AND stream_id = ANY($1)`,
      [legacy.map(({ orderId }) => `order-${orderId}`)],
    );
    expect(rows).toEqual(legacy.map(() => ({ schema_version: 1, has_channel: false })));
    expect(await new PostgresEventStore(database).verifyIntegrity()).toEqual({ ok: true, checked: LEGACY * EVENTS_PER_LEGACY + 1 });
  });

  it('rebuilds the tracking, audit and analytics views from the log with the same answers', async () => {
    for (const view of ['order-tracking', 'audit', 'analytics']) {
      ok(await stack.projector.post(`/projections/${view}/rebuild`, {}, { key: keys.admin }), 202, `rebuild ${view}`);
      const done: { status: string } = await eventually(
        `the ${view} rebuild ends`,
        async () => {
          const status = ok(await stack.projector.get(`/projections/${view}/rebuild`, { key: keys.admin }), 200, 'rebuild status');
          return ['swapped', 'failed'].includes(status.status) ? status : undefined;
        },
        { timeoutMs: 90_000 },
      );
      expect({ view, status: done.status }).toEqual({ view, status: 'swapped' });
    }
    expect(await expectChannelsEverywhere()).toBe(LEGACY * 5 + 2);
  }, 300_000);

  it('exports the stored form, whose chain verifies, and a restore of it reads v1 as v2', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'os-schema-v1-'));
    const target = await createTestDatabase('os_schema_v1_restore');
    const chainKey = requireSecret(stack.config.chainKey, 'ORDERSOURCE_CHAIN_KEY');
    try {
      const file = join(folder, 'log.ndjson');
      const out = createWriteStream(file);
      await exportLog(database.pool, chainKey, out);
      out.end();
      await finished(out);
      expect(await verifyExport(file, chainKey)).toMatchObject({ ok: true, events: LEGACY * EVENTS_PER_LEGACY + 1 });
      const exported: { type: string; schemaVersion: number; data: Record<string, unknown> }[] = [];
      for await (const line of readLines(file)) {
        const parsed = JSON.parse(line.text);
        if (parsed.kind === 'event' && parsed.type === 'OrderPlaced') exported.push(parsed);
      }
      expect(exported.map((event) => [event.schemaVersion, event.data.channel ?? null]).sort()).toEqual([...legacy.map(() => [1, null]), [2, 'app']].sort());

      await restoreExport(target.url, file, chainKey);
      const restored = await openEventStoreDatabase({ url: target.url, chainKey });
      try {
        const store = new PostgresEventStore(restored, { upcasters: orderUpcasters });
        expect(await store.verifyIntegrity()).toEqual({ ok: true, checked: LEGACY * EVENTS_PER_LEGACY + 1 });
        for (const { orderId } of legacy) {
          const [placed] = await store.readStream(`order-${orderId}`, { toVersion: 1 });
          expect({ orderId, schemaVersion: placed.schemaVersion, channel: placed.data.channel }).toEqual({ orderId, schemaVersion: 2, channel: 'web' });
        }
      } finally {
        await restored.close();
      }
    } finally {
      await target.drop();
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);

  if (profile === 'distributed') {
    it('lets a consumer that knows only v1 and a v2 consumer both read the mixed topic', async () => {
      const total = LEGACY * EVENTS_PER_LEGACY + 1;
      const consumers = await Promise.all([startTopicConsumer(stack.config.kafkaBrokers, 'v1'), startTopicConsumer(stack.config.kafkaBrokers, 'v2')]);
      try {
        await eventually('both consumers read the whole topic', async () => consumers.every((consumer) => new Set(consumer.read.map((m) => `${m.orderId}:${m.version}`)).size === total), { timeoutMs: 60_000 });
        const [v1, v2] = consumers;
        expect({ v1: v1.unreadable, v2: v2.unreadable }).toEqual({ v1: [], v2: [] });
        const placedOf = (consumer: typeof v1, orderId: string) => consumer.read.find((m) => m.orderId === orderId && m.type === 'OrderPlaced');
        // The topic carries each event as stored: v1 stays v1 on it, the new order is v2.
        expect(placedOf(v1, current.orderId)).toMatchObject({ headerVersion: '2', data: { customerId: 'cust-a' } });
        expect(placedOf(v1, current.orderId)?.data).not.toHaveProperty('channel');
        expect(placedOf(v2, current.orderId)).toMatchObject({ headerVersion: '2', data: { channel: 'app', orderNumber: current.orderNumber } });
        for (const { orderId, customerId } of legacy) {
          expect(placedOf(v1, orderId)).toMatchObject({ headerVersion: '1', data: { customerId } });
          expect(placedOf(v2, orderId)).toMatchObject({ headerVersion: '1', data: { customerId, channel: 'web' } });
        }
      } finally {
        await Promise.all(consumers.map((consumer) => consumer.stop()));
      }
    }, 120_000);
  }
});
