import { isDeepStrictEqual } from 'node:util';
import { modelDurations, modelFunnel, modelLogistics, modelOrders, type ModelHistory } from '@ordersource/read-models/analytics-model';
import { eventually } from '@ordersource/testing/eventually';
import { inBatches, ok } from './support/http';
import { keys } from './support/keys';
import { DrivenOrder, driveOrder, planOrder } from './support/lifecycles';
import { Stack, profiles, startStack } from './support/stack';

/**
 * API.md "Analytics": orders driven through every lifecycle (three currencies, three countries,
 * two carriers, late scans hours in the past), then every analytics route must equal a model
 * folded from the orders' histories (GET /orders/{id}/history), for every bucket and group,
 * empty buckets included, on both profiles.
 */
const ORDERS = 66;
const BATCH = 6;
const CURRENCIES = ['EUR', 'USD', 'GBP'];
const COUNTRIES = ['GB', 'DE', 'FR'];
const HOUR = 3_600_000;

describe.each(profiles)('analytics routes (%s profile)', (profile) => {
  let stack: Stack;
  let histories: ModelHistory[];
  const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 9 * HOUR).toISOString();
  const end = new Date(Math.floor(Date.now() / HOUR) * HOUR + 3 * HOUR).toISOString();
  const get = async (path: string) => ok(await stack.query.get(path, { key: keys.operator }), 200, `GET ${path}`);
  /** The view catches up eventually: poll the route until it equals the model, else fail with the last answer. */
  const expectRoute = async (path: string, expected: unknown) => {
    let last: unknown;
    const answer = await eventually(
      () => `GET ${path} equal to the model; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`,
      async () => {
        last = await get(path);
        return isDeepStrictEqual(last, expected) ? { body: last } : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(answer.body).toEqual(expected);
  };

  beforeAll(async () => {
    stack = await startStack(profile);
    const plans = Array.from({ length: ORDERS }, (_, index) => {
      const plan = planOrder(index, index % 2 ? 'cust-a' : 'cust-b');
      plan.order.currency = CURRENCIES[index % 3];
      plan.order.shippingAddress = { ...plan.order.shippingAddress, country: COUNTRIES[Math.floor(index / 3) % 3] };
      return plan;
    });
    const orders: DrivenOrder[] = await inBatches(plans, BATCH, (plan) => driveOrder(stack.command, plan));
    histories = await inBatches(orders, BATCH, async (order) => {
      const wait = { key: keys.admin, headers: { 'x-min-version': String(order.lastVersion), 'x-wait-ms': '10000' } };
      const history = ok(await stack.query.get(`/orders/${order.plan.orderId}/history`, wait), 200, 'history');
      return { orderId: order.plan.orderId, country: history.events[0].data.shippingAddress.country, events: history.events };
    });
  }, 180_000);
  afterAll(() => stack?.stop());

  it.each([undefined, 'country', 'currency', 'paymentMethod', 'carrier', 'channel'])('GET /analytics/orders per hour (groupBy %s) equals the model, empty buckets with zeros', async (groupBy) => {
    const expected = { bucket: 'hour', from: start, to: end, series: modelOrders(histories, { from: start, to: end, bucket: 'hour', groupBy }) };
    expect(expected.series[0].points).toHaveLength(12);
    await expectRoute(`/analytics/orders?from=${start}&to=${end}&bucket=hour${groupBy ? `&groupBy=${groupBy}` : ''}`, expected);
  });

  it('GET /analytics/orders per day per currency never mixes currencies', async () => {
    const from = new Date(Date.parse(start) - 3 * 24 * HOUR).toISOString();
    const expected = { bucket: 'day', from, to: end, series: modelOrders(histories, { from, to: end, bucket: 'day', groupBy: 'currency' }) };
    await expectRoute(`/analytics/orders?from=${from}&to=${end}&bucket=day&groupBy=currency`, expected);
    const body = await get(`/analytics/orders?from=${from}&to=${end}&bucket=day&groupBy=currency`);
    expect(body.series.map((series: { key: string }) => series.key)).toEqual(['EUR', 'GBP', 'USD']);
    for (const series of body.series) {
      for (const point of series.points) for (const money of [point.revenue, point.refunds]) expect(Object.keys(money).every((currency) => currency === series.key)).toBe(true);
    }
  });

  it('GET /analytics/funnel, /durations (all groupings) and /logistics equal the model', async () => {
    await expectRoute(`/analytics/funnel?from=${start}&to=${end}`, modelFunnel(histories, { from: start, to: end }));
    for (const groupBy of [undefined, 'carrier', 'warehouse'] as const) {
      await expectRoute(`/analytics/durations?from=${start}&to=${end}${groupBy ? `&groupBy=${groupBy}` : ''}`, { items: modelDurations(histories, { from: start, to: end, groupBy }) });
    }
    const logistics = modelLogistics(histories, { from: start, to: end });
    expect(logistics.locations.length).toBeGreaterThan(3);
    await expectRoute(`/analytics/logistics?from=${start}&to=${end}`, logistics);
  });

  it('an empty window answers zeros in every bucket and an empty funnel', async () => {
    const from = '2020-01-01T00:00:00.000Z';
    const to = '2020-01-01T05:00:00.000Z';
    const body = await get(`/analytics/orders?from=${from}&to=${to}&bucket=hour`);
    expect(body.series).toHaveLength(1);
    expect(body.series[0].key).toBeNull();
    expect(body.series[0].points.map((point: { at: string; placed: number; revenue: object }) => [point.at, point.placed, point.revenue])).toEqual(
      [0, 1, 2, 3, 4].map((hour) => [`2020-01-01T0${hour}:00:00.000Z`, 0, {}]),
    );
    expect(await get(`/analytics/funnel?from=${from}&to=${to}`)).toEqual({ placed: 0, authorized: 0, paid: 0, shipped: 0, delivered: 0, cancelled: 0, refunded: 0, conversion: { authorized: 0, paid: 0, shipped: 0, delivered: 0 } });
  });

  it('is staff only: customers get 403, no key 401', async () => {
    for (const path of ['/analytics/orders?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&bucket=day', '/analytics/funnel?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', '/analytics/forecast?metric=placed&bucket=day&horizon=7']) {
      expect((await stack.query.get(path, { key: keys.customerA })).status).toBe(403);
      expect((await stack.query.get(path, { key: null })).status).toBe(401);
      expect((await stack.query.get(path, { key: keys.admin })).status).not.toBe(403);
    }
  });

  it.each([
    ['a missing to', '/analytics/funnel?from=2026-01-01T00:00:00Z', 'to'],
    ['from after to', '/analytics/funnel?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['an hourly window over 31 days', '/analytics/orders?from=2026-01-01T00:00:00Z&to=2026-02-02T00:00:00Z&bucket=hour', 'to'],
    ['a daily window over 400 days', '/analytics/orders?from=2025-01-01T00:00:00Z&to=2026-02-06T00:00:00Z&bucket=day', 'to'],
    ['an unknown groupBy', '/analytics/orders?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&bucket=day&groupBy=sku', 'groupBy'],
    ['an unknown parameter', '/analytics/logistics?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&limit=5', 'limit'],
    ['a horizon over 90 days', '/analytics/forecast?metric=placed&bucket=day&horizon=91', 'horizon'],
    ['a horizon over 168 hours', '/analytics/forecast?metric=placed&bucket=hour&horizon=169', 'horizon'],
    ['revenue without a currency', '/analytics/forecast?metric=revenue&bucket=day&horizon=7', 'currency'],
    ['a malformed time', '/analytics/durations?from=yesterday&to=2026-01-02T00:00:00Z', 'from'],
  ])('answers 400 problem JSON for %s', async (_, path, field) => {
    const answer = await stack.query.get(path, { key: keys.operator });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  });

  it('answers 422 insufficient-history for a forecast over a few hours of history', async () => {
    const answer = await stack.query.get('/analytics/forecast?metric=placed&bucket=hour&horizon=24', { key: keys.operator });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.type).toMatch(/\/insufficient-history$/);
  });

  it('is the fifth projection: listed by GET /projections, rebuilt from the log and diff-verified with no differences', async () => {
    await eventually('analytics listed', async () => ok(await stack.query.get('/projections', { key: keys.operator }), 200, 'projections').items.some((item: { name: string }) => item.name === 'analytics'), { timeoutMs: 30_000 });
    for (const verifyOnly of [true, false]) {
      ok(await stack.projector.post('/projections/analytics/rebuild', { verifyOnly }, { key: keys.admin }), 202, 'rebuild');
      const done: { status: string; differences?: number } = await eventually(
        'the analytics rebuild ends',
        async () => {
          const status = ok(await stack.projector.get('/projections/analytics/rebuild', { key: keys.admin }), 200, 'rebuild status');
          return ['verified', 'swapped', 'failed'].includes(status.status) ? status : undefined;
        },
        { timeoutMs: 60_000 },
      );
      expect({ status: done.status, differences: done.differences }).toEqual({ status: verifyOnly ? 'verified' : 'swapped', differences: 0 });
    }
    await expectRoute(`/analytics/logistics?from=${start}&to=${end}`, modelLogistics(histories, { from: start, to: end }));
  });

  it('documents every analytics route in the OpenAPI document', async () => {
    const document = ok(await stack.query.get('/docs-json'), 200, 'docs');
    for (const route of ['orders', 'funnel', 'durations', 'logistics', 'forecast']) expect(document.paths[`/analytics/${route}`]?.get).toBeDefined();
  });
});
