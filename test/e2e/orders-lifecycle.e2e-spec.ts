import { allPages, inBatches, ok } from './support/http';
import { keys } from './support/keys';
import { DrivenOrder, driveOrder, planOrder, plannedEvents, scenarioNames } from './support/lifecycles';
import { ModelEvent, expectedViews } from './support/order-model';
import { Stack, profiles, startStack } from './support/stack';

/**
 * 200 orders driven through every lifecycle of API.md, concurrently, then every query route is
 * checked against what the commands said, on both profiles.
 */
const ORDERS = 200;
const BATCH = 8;
const CUSTOMERS = ['cust-a', 'cust-b', 'cust-c', 'cust-d'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type HistoryEvent = { position: string; version: number; type: string; occurredAt: string; recordedAt: string; actor: string; correlationId: string; data: any };

describe.each(profiles)('orders driven through their lifecycles (%s profile)', (profile) => {
  let stack: Stack;
  let orders: DrivenOrder[];
  const histories = new Map<string, HistoryEvent[]>();
  const waitFor = (order: DrivenOrder) => ({ headers: { 'x-min-version': String(order.lastVersion), 'x-wait-ms': '10000' } });
  const modelOf = (order: DrivenOrder, upTo = Infinity) => {
    const history = histories.get(order.plan.orderId) as HistoryEvent[];
    const events: ModelEvent[] = plannedEvents(order.plan)
      .map((planned, index) => ({ type: planned.type, version: index + 1, occurredAt: history[index].occurredAt, data: planned.data }))
      .filter((event) => event.version <= upTo);
    const { orderId, customerId, total, order: body } = { ...order.plan, orderId: order.plan.orderId };
    return expectedViews({ orderId, customerId, currency: body.currency, items: body.items, total }, events);
  };

  beforeAll(async () => {
    stack = await startStack(profile);
    const plans = Array.from({ length: ORDERS }, (_, index) => planOrder(index, CUSTOMERS[index % CUSTOMERS.length]));
    orders = await inBatches(plans, BATCH, (plan) => driveOrder(stack.command, plan));
    await inBatches(orders, BATCH, async (order) => {
      const history = ok(await stack.query.get(`/orders/${order.plan.orderId}/history`, waitFor(order)), 200, 'history');
      histories.set(order.plan.orderId, history.events);
    });
  }, 120_000);
  afterAll(() => stack?.stop());

  it('drove every scenario, each command answering the planned status and version', () => {
    expect(new Set(orders.map((order) => order.plan.scenario))).toEqual(new Set(scenarioNames));
    expect(orders.flatMap((order) => order.steps.map((step) => step.status))).toEqual(orders.flatMap((order) => order.plan.steps.map((step) => step.status)));
  });

  it('shows every event of an order in version order, with personal fields in plain', () => {
    for (const order of orders) {
      const history = histories.get(order.plan.orderId) as HistoryEvent[];
      const planned = plannedEvents(order.plan);
      expect(history.map((event) => event.version)).toEqual(planned.map((_, index) => index + 1));
      expect(history.map((event) => ({ type: event.type, data: event.data }))).toEqual(planned.map((event) => ({ type: event.type, data: expect.objectContaining(event.data) })));
      expect(history.map((event) => event.actor)).toEqual(planned.map((_, index) => (index === 0 ? 'ops' : 'adm')));
      const positions = history.map((event) => BigInt(event.position));
      expect(positions.every((position, index) => index === 0 || position > positions[index - 1])).toBe(true);
      planned.forEach((event, index) => event.occurredAt && expect(history[index].occurredAt).toBe(event.occurredAt));
    }
  });

  it('serves tracking, payments and shipment views that match the commands', async () => {
    await inBatches(orders, BATCH, async (order) => {
      const id = order.plan.orderId;
      const expected = modelOf(order);
      const [tracking, payments, shipping] = await Promise.all([
        stack.query.get(`/orders/${id}`, waitFor(order)),
        stack.query.get(`/payments/${id}`, waitFor(order)),
        stack.query.get(`/shipments/${id}`, waitFor(order)),
      ]);
      expect({ scenario: order.plan.scenario, status: tracking.status, body: tracking.body }).toEqual({ scenario: order.plan.scenario, status: 200, body: expected.tracking });
      expect(tracking.headers.get('etag')).toBe(`"${order.lastVersion}"`);
      expect({ scenario: order.plan.scenario, body: payments.body }).toEqual({ scenario: order.plan.scenario, body: expected.payments });
      expect({ scenario: order.plan.scenario, body: shipping.body }).toEqual({ scenario: order.plan.scenario, body: expected.shipping });
    });
  });

  it('pages the audit log by type and recorded time exactly, without repeats or skips', async () => {
    const all = [...histories.entries()].flatMap(([orderId, events]) => events.map((event) => ({ ...event, orderId })));
    const types = ['PaymentRefunded', 'OrderCancelled', 'ShipmentCheckpointRecorded'];
    const recorded = all.map((event) => event.recordedAt).sort();
    const windows = [
      { from: recorded[0], to: recorded[recorded.length - 1] },
      { from: recorded[Math.floor(recorded.length / 3)], to: recorded[Math.floor((2 * recorded.length) / 3)] },
    ];
    for (const { from, to } of windows) {
      const query = `/audit/events?${types.map((type) => `type=${type}`).join('&')}&from=${from}&to=${to}&limit=7`;
      const { items, pages } = await allPages(stack.query, query, { key: keys.operator });
      const expected = all.filter((event) => types.includes(event.type) && event.recordedAt >= from && event.recordedAt <= to);
      expect(pages).toBeGreaterThan(3);
      expect(items.map((item) => item.position).sort()).toEqual(expected.map((event) => event.position).sort());
      expect(new Set(items.map((item) => item.position)).size).toBe(items.length);
      expect(items.map((item) => item.recordedAt)).toEqual([...items.map((item) => item.recordedAt)].sort());
      const byPosition = new Map(expected.map((event) => [event.position, event]));
      for (const item of items) {
        const event = byPosition.get(item.position);
        expect(item).toEqual({ position: event?.position, orderId: event?.orderId, version: event?.version, type: event?.type, occurredAt: event?.occurredAt, recordedAt: event?.recordedAt, actor: event?.actor, correlationId: event?.correlationId, hash: expect.any(String) });
      }
    }
  });

  it('pages orders newest first by (placedAt, orderId) per customer and status, without repeats or skips', async () => {
    const sortKey = (order: DrivenOrder) => `${modelOf(order).tracking.placedAt}|${order.plan.orderId}`;
    const newestFirst = (list: DrivenOrder[]) => [...list].sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1)).map((order) => order.plan.orderId);
    const everything = await allPages(stack.query, '/orders?limit=13');
    expect(everything.items.map((item) => item.orderId)).toEqual(newestFirst(orders));
    for (const customerId of CUSTOMERS) {
      for (const status of ['CANCELLED', 'REFUNDED', 'DELIVERED', 'SHIPPED']) {
        const { items } = await allPages(stack.query, `/orders?customerId=${customerId}&status=${status}&limit=3`);
        const expected = orders.filter((order) => order.plan.customerId === customerId && modelOf(order).tracking.status === status);
        expect(expected.length).toBeGreaterThan(0);
        expect({ customerId, status, ids: items.map((item) => item.orderId) }).toEqual({ customerId, status, ids: newestFirst(expected) });
      }
    }
  });

  it('travels in time: every version and every instant between two commands gives the state then', async () => {
    await inBatches(orders, BATCH, async (order) => {
      const id = order.plan.orderId;
      const history = histories.get(id) as HistoryEvent[];
      for (let version = 1; version <= order.lastVersion; version += 1) {
        const state = await stack.query.get(`/orders/${id}/state?asOfVersion=${version}`);
        expect({ id, version, body: state.body }).toEqual({ id, version, body: modelOf(order, version).tracking });
      }
      const before = new Date(Date.parse(history[0].recordedAt) - 1).toISOString();
      expect((await stack.query.get(`/orders/${id}/state?asOf=${before}`)).status).toBe(404);
      for (const { version } of order.steps) {
        const [earlier, later] = [history[version - 1], history[version]];
        if (!later || Date.parse(later.recordedAt) <= Date.parse(earlier.recordedAt)) continue;
        const between = new Date(Math.floor((Date.parse(earlier.recordedAt) + Date.parse(later.recordedAt)) / 2)).toISOString();
        const state = await stack.query.get(`/orders/${id}/state?asOf=${between}`);
        expect({ id, between, body: state.body }).toEqual({ id, between, body: modelOf(order, version).tracking });
      }
    });
    // About 2,000 reads of the event store: over jest's 60 s on a machine at load 20 (real-Kafka run).
  }, 180_000);
});
