import { openEventStoreDatabase, type EventStoreDatabase } from '@ordersource/event-store';
import { MemoryReadStore, PAYMENT_RECORDS, readModelViews } from '@ordersource/read-models';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Registry } from 'prom-client';
import { buildAlertRules, type AlertSettings } from './alert-settings';
import { AlertEvaluator } from './evaluator';
import { PostgresAlertStore } from './postgres/alert-store';
import { monitoringMigrations } from './postgres/migrations';
import type { HourForecast, ProjectionHealth } from './signals.port';
import { integritySignal, orderSignalsFromViews, paymentSignalsFromViews, projectionSignals } from './signals/view-signals';

const settings: AlertSettings = {
  evalIntervalMs: 50,
  unpaidSeconds: 60,
  unshippedSeconds: 120,
  shipmentStalledSeconds: 300,
  paymentWindowSeconds: 900,
  paymentFailureRate: 0.2,
  lagSeconds: 30,
  integrityCheckIntervalMs: 1,
};

describe('alert rules, each firing once and resolving by itself (PostgreSQL alert state)', () => {
  let db: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresAlertStore;
  let views: MemoryReadStore;
  let clock = Date.parse('2026-05-01T12:30:00.000Z');
  const projections: ProjectionHealth[] = [];
  const parked = new Map<string, number>();
  let broken: string | null = null;
  let hour: HourForecast | null = null;
  let evaluator: AlertEvaluator;
  const registry = new Registry();

  beforeAll(async () => {
    db = await createTestDatabase('os_alerts');
    // The service's own pool (role ordersource_app): the migration's grants are part of the test.
    database = await openEventStoreDatabase({ url: db.url, chainKey: 'alerts-chain-key-0123456789abcdef', extraMigrations: monitoringMigrations, poolSize: 4 });
    store = new PostgresAlertStore(database.pool);
    views = new MemoryReadStore(readModelViews);
    await views.ensureViews();
    const rules = buildAlertRules(settings, {
      orders: orderSignalsFromViews(views),
      payments: paymentSignalsFromViews(views),
      projections: projectionSignals({ list: async () => projections, parkedCounts: async () => parked }),
      integrity: integritySignal({
        verifyIntegrity: async () => (broken ? { ok: false, checked: 3, firstBroken: { streamId: `order-${broken}`, version: 2, position: '7', reason: 'hash' } } : { ok: true, checked: 3 }),
      }),
      forecast: { lastCompleteHour: async () => hour },
    });
    evaluator = new AlertEvaluator({ url: db.url, pool: database.pool, store, rules, intervalMs: 50, registry, now: () => new Date(clock) });
  });

  afterAll(async () => {
    await database.close();
    await db.drop();
  });

  const at = (secondsAgo: number) => new Date(clock - secondsAgo * 1000).toISOString();
  let version = 0;
  async function order(orderId: string, status: string, placedSecondsAgo: number, changedSecondsAgo = placedSecondsAgo, lastScanSecondsAgo?: number) {
    const head = await views.loadHeads('order-tracking', [orderId]);
    version++;
    const lastCheckpoint = lastScanSecondsAgo === undefined ? null : { location: 'hub', kind: 'arrived', at: at(lastScanSecondsAgo) };
    await views.applyChanges('order-tracking', [
      {
        orderId,
        expectedVersion: head.get(orderId)?.version ?? 0,
        version,
        head: { orderId, status, placedAt: at(placedSecondsAgo), updatedAt: at(changedSecondsAgo), customerId: 'c', shipment: { lastCheckpoint } },
        records: [],
      },
    ]);
  }
  let payments = 0;
  async function attempts(method: string, failed: number, authorized: number, secondsAgo = 60) {
    const records = Array.from({ length: failed + authorized }, (_, index) => {
      payments++;
      return { collection: PAYMENT_RECORDS, id: `p-${payments}`, document: { orderId: `o-${payments}`, kind: index < failed ? 'failure' : 'authorization', method, at: at(secondsAgo), amount: 1 } };
    });
    await views.applyChanges('payments', [{ orderId: `pay-${payments}`, expectedVersion: 0, version: 1, head: {}, records }]);
  }
  const firing = async (rule: string) => (await store.page({ state: 'firing', rule, limit: 200 })).items;
  const gauge = async (rule: string) => (await registry.getSingleMetric('ordersource_alerts_firing')?.get())?.values.find((value) => value.labels.rule === rule)?.value;
  const ofRule = (alerts: { rule: string; subject: string | null }[], rule: string) => alerts.filter((alert) => alert.rule === rule).map((alert) => alert.subject).sort();

  it('order-unpaid: fires once per order waiting too long in PLACED or PAYMENT_FAILED, resolves when it moves on', async () => {
    await order('11111111-1111-4111-8111-111111111111', 'PLACED', 120);
    await order('22222222-2222-4222-8222-222222222222', 'PAYMENT_FAILED', 300, 90);
    await order('33333333-3333-4333-8333-333333333333', 'PLACED', 10);
    await order('44444444-4444-4444-8444-444444444444', 'PAYMENT_FAILED', 300, 20);
    const first = await evaluator.evaluateOnce();
    expect(ofRule(first.fired, 'order-unpaid')).toEqual(['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222']);
    expect(await gauge('order-unpaid')).toBe(2);
    clock += 5000;
    expect(ofRule((await evaluator.evaluateOnce()).fired, 'order-unpaid')).toEqual([]);
    expect(await firing('order-unpaid')).toHaveLength(2);
    await order('11111111-1111-4111-8111-111111111111', 'PAYMENT_AUTHORIZED', 125, 0);
    await order('22222222-2222-4222-8222-222222222222', 'CANCELLED', 305, 0);
    const third = await evaluator.evaluateOnce();
    expect(ofRule(third.resolved, 'order-unpaid')).toEqual(['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222']);
    expect(third.resolved[0]).toMatchObject({ state: 'resolved', rule: 'order-unpaid', resolvedAt: new Date(clock).toISOString() });
    expect(await firing('order-unpaid')).toEqual([]);
    expect(await gauge('order-unpaid')).toBe(0);
  });

  it('order-unshipped and shipment-stalled: PAID too long, SHIPPED without a scan too long (a late scan counts)', async () => {
    await order('55555555-5555-4555-8555-555555555555', 'PAID', 1000, 200);
    await order('66666666-6666-4666-8666-666666666666', 'SHIPPED', 5000, 400);
    await order('77777777-7777-4777-8777-777777777777', 'SHIPPED', 5000, 400, 100);
    const fired = (await evaluator.evaluateOnce()).fired;
    expect(ofRule(fired, 'order-unshipped')).toEqual(['55555555-5555-4555-8555-555555555555']);
    expect(ofRule(fired, 'shipment-stalled')).toEqual(['66666666-6666-4666-8666-666666666666']);
    expect(fired.find((alert) => alert.rule === 'shipment-stalled')).toMatchObject({ value: 400, threshold: 300, severity: 'warning' });
    await order('55555555-5555-4555-8555-555555555555', 'SHIPPED', 1005, 0);
    await order('66666666-6666-4666-8666-666666666666', 'DELIVERED', 5005, 0);
    const resolved = (await evaluator.evaluateOnce()).resolved.map((alert) => `${alert.rule} ${alert.subject}`).sort();
    expect(resolved).toEqual(['order-unshipped 55555555-5555-4555-8555-555555555555', 'shipment-stalled 66666666-6666-4666-8666-666666666666']);
  });

  it('payment-failure-rate: per method above the rate with at least 20 attempts in the window', async () => {
    await attempts('wallet', 6, 14); // 30% of 20
    await attempts('card', 5, 10); // 33%, but only 15 attempts
    await attempts('paypal', 4, 30); // 12%
    await attempts('bank_transfer', 20, 0, 2000); // before the window
    const fired = (await evaluator.evaluateOnce()).fired.filter((alert) => alert.rule === 'payment-failure-rate');
    expect(fired).toEqual([expect.objectContaining({ subject: 'wallet', value: 0.3, threshold: 0.2, severity: 'critical' })]);
    await attempts('wallet', 0, 20); // 6 of 40 = 15%
    expect(ofRule((await evaluator.evaluateOnce()).resolved, 'payment-failure-rate')).toEqual(['wallet']);
  });

  it('projection-lagging, events-parked and integrity-broken fire and resolve with their subjects', async () => {
    projections.push({ name: 'payments', status: 'live', lagSeconds: 45 }, { name: 'shipping', status: 'stalled', lagSeconds: 0 }, { name: 'audit', status: 'live', lagSeconds: 1 });
    parked.set('order-tracking', 2);
    broken = '99999999-9999-4999-8999-999999999999';
    clock += 10; // past INTEGRITY_CHECK_INTERVAL_MS (1 ms here): the check runs again
    const fired = (await evaluator.evaluateOnce()).fired.map((alert) => `${alert.rule} ${alert.subject}`).sort();
    expect(fired).toEqual(['events-parked order-tracking', 'integrity-broken 99999999-9999-4999-8999-999999999999', 'projection-lagging payments', 'projection-lagging shipping']);
    projections.splice(0, projections.length, { name: 'payments', status: 'live', lagSeconds: 2 }, { name: 'shipping', status: 'live', lagSeconds: 0 });
    parked.clear();
    broken = null;
    clock += 10;
    expect((await evaluator.evaluateOnce()).resolved.map((alert) => `${alert.rule} ${alert.subject}`).sort()).toEqual(fired);
  });

  it('order-volume-anomaly: the last complete hour outside the forecast 95% band fires for metric placed', async () => {
    hour = { hour: '2026-05-01T11:00:00.000Z', actual: 3, expected: 40, lower95: 25, upper95: 55 };
    expect((await evaluator.evaluateOnce()).fired.filter((alert) => alert.rule === 'order-volume-anomaly')).toEqual([expect.objectContaining({ subject: 'placed', value: 3, threshold: 25 })]);
    hour = { hour: '2026-05-01T12:00:00.000Z', actual: 41, expected: 40, lower95: 25, upper95: 55 };
    expect((await evaluator.evaluateOnce()).resolved.map((alert) => alert.rule)).toEqual(['order-volume-anomaly']);
  });

  it('fires a new alert when a resolved condition comes back, and pages newest first without repeats', async () => {
    clock += 1000;
    parked.set('audit', 1);
    const again = (await evaluator.evaluateOnce()).fired;
    parked.clear();
    clock += 1000;
    await evaluator.evaluateOnce();
    parked.set('audit', 3);
    clock += 1000;
    const third = (await evaluator.evaluateOnce()).fired;
    expect(third[0].alertId).not.toBe(again[0].alertId);
    const all = await store.page({ rule: 'events-parked', limit: 200 });
    expect(all.items.map((alert) => `${alert.subject} ${alert.state}`)).toEqual(['audit firing', 'audit resolved', 'order-tracking resolved']);
    const everything = await store.page({ limit: 200 });
    const first = await store.page({ limit: 3 });
    const rest = await store.page({ limit: 200, after: { firedAt: first.items[2].firedAt, alertId: first.items[2].alertId } });
    expect(first.hasMore).toBe(true);
    expect([...first.items, ...rest.items].map((alert) => alert.alertId)).toEqual(everything.items.map((alert) => alert.alertId));
  });
});
