import { randomBytes } from 'node:crypto';
import { allPages, inBatches, ok } from './support/http';
import { keys } from './support/keys';
import { DrivenOrder, OrderPlan, driveOrder, planOrder } from './support/lifecycles';
import { findInMongo, findInPostgres } from './support/raw-search';
import { Stack, profiles, startCommandService, startQueryService, startStack } from './support/stack';

/**
 * Issue 3: forgetting a customer (crypto-shredding) leaves none of their personal data readable
 * anywhere, through the routes, in the raw stores, or in views rebuilt from the log.
 */
const ERASED = '[erased]';
// Scenarios with failure, cancel and refund reasons and a receivedBy (see lifecycles.ts).
const SCENARIO_INDEXES = [2, 4, 5, 6];

/** The personal strings an order's commands carried (API.md: names, address lines, reasons, receivedBy). */
function personalStrings(plan: OrderPlan): string[] {
  const address = plan.order.shippingAddress as { name: string; line1: string };
  const fromSteps = plan.steps.flatMap((step) => [step.body?.reason, step.body?.receivedBy]).filter((value): value is string => typeof value === 'string');
  return [address.name, address.line1, ...fromSteps];
}

describe.each(profiles)('forgetting a customer (%s profile)', (profile) => {
  let stack: Stack;
  let ofA: DrivenOrder[];
  let ofB: DrivenOrder[];
  const token = randomBytes(4).toString('hex');
  const stringsOf = (orders: DrivenOrder[]) => [...new Set(orders.flatMap((order) => personalStrings(order.plan)))];
  const waitForAll = (orders: DrivenOrder[]) =>
    inBatches(orders, 4, async (order) => {
      for (const route of ['/history', '', '/state?asOfVersion=1']) {
        ok(await stack.query.get(`/orders/${order.plan.orderId}${route}`, { headers: { 'x-min-version': String(order.lastVersion), 'x-wait-ms': '10000' } }));
      }
      ok(await stack.query.get(`/payments/${order.plan.orderId}`, { headers: { 'x-min-version': String(order.lastVersion), 'x-wait-ms': '10000' } }));
    });
  /** Everything the query routes show about the orders, as one text per order. */
  const shown = async (orders: DrivenOrder[]) =>
    inBatches(orders, 4, async (order) => {
      const id = order.plan.orderId;
      const bodies = await Promise.all([`/orders/${id}/history`, `/payments/${id}`, `/shipments/${id}`, `/orders/${id}`, `/orders/${id}/state?asOfVersion=${order.lastVersion}`].map(async (route) => ok(await stack.query.get(route))));
      const ledger = (await allPages(stack.query, '/payments?limit=50')).items.filter((item) => item.orderId === id);
      return { order, history: bodies[0].events, payments: bodies[1], ledger, text: JSON.stringify([bodies, ledger]) };
    });

  const expectAErasedAndBIntact = async () => {
    for (const view of await shown(ofA)) {
      for (const needle of personalStrings(view.order.plan)) expect(view.text).not.toContain(needle);
      const placed = view.history.find((event: { type: string }) => event.type === 'OrderPlaced');
      expect(placed.data.shippingAddress).toBe(ERASED);
      expect(placed.data.customerId).toBe('cust-a');
      for (const event of view.history.filter((entry: { type: string }) => ['PaymentFailed', 'OrderCancelled', 'PaymentRefunded'].includes(entry.type))) expect(event.data.reason).toBe(ERASED);
      for (const event of view.history.filter((entry: { type: string }) => entry.type === 'OrderDelivered')) expect(event.data.receivedBy).toBe(ERASED);
      for (const record of [...view.payments.records, ...view.ledger].filter((entry) => ['failure', 'refund'].includes(entry.kind))) expect(record.reason).toBe(ERASED);
    }
    for (const view of await shown(ofB)) {
      for (const needle of personalStrings(view.order.plan)) expect(view.text).toContain(needle);
      expect(view.text).not.toContain(ERASED);
    }
  };

  beforeAll(async () => {
    stack = await startStack(profile);
    const plans = SCENARIO_INDEXES.flatMap((index) => [planOrder(index, 'cust-a', `Quackenbush-${token}-${index}`), planOrder(index, 'cust-b', `Featherstone-${token}-${index}`)]);
    const driven = await inBatches(plans, 4, (plan) => driveOrder(stack.command, plan));
    ofA = driven.filter((order) => order.plan.customerId === 'cust-a');
    ofB = driven.filter((order) => order.plan.customerId === 'cust-b');
    await waitForAll(driven);
  }, 90_000);
  afterAll(() => stack?.stop());

  it("shows every customer's personal fields in plain before anyone is forgotten", async () => {
    for (const view of await shown([...ofA, ...ofB])) for (const needle of personalStrings(view.order.plan)) expect(view.text).toContain(needle);
  });

  it('lets only an admin forget a customer, answering the customer id and when', async () => {
    for (const key of [keys.operator, keys.customerA]) expect((await stack.command.post('/admin/customers/cust-a/forget', undefined, { key })).status).toBe(403);
    const answer = await stack.command.post('/admin/customers/cust-a/forget', undefined, { key: keys.admin });
    expect(answer.body).toEqual({ customerId: 'cust-a', erasedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    // API.md: 200 {customerId, erasedAt}. Reported: the command service answers 201 (Nest's POST default).
    expect(answer.status).toBe(200);
  });

  it("shows [erased] for the forgotten customer's personal fields on every route and leaves the other's intact", async () => {
    await expectAErasedAndBIntact();
  });

  it("keeps none of the forgotten customer's strings in any table or collection, while the search finds the other customer", async () => {
    const needles = stringsOf(ofA);
    expect(needles.length).toBeGreaterThanOrEqual(12);
    expect(await findInPostgres(stack.pg, needles)).toEqual([]);
    expect((await findInPostgres(stack.pg, ['cust-b'])).length).toBeGreaterThan(0);
    if (stack.mongoDatabase) {
      expect(await findInMongo(stack.config.mongoUrl, needles)).toEqual([]);
      expect((await findInMongo(stack.config.mongoUrl, ['cust-b'])).length).toBeGreaterThan(0);
    }
  });

  it('keeps the hash chain intact after the erasure', async () => {
    expect(ok(await stack.command.get('/admin/integrity'))).toEqual(expect.objectContaining({ ok: true, checked: expect.any(Number) }));
  });

  it('shows [erased] again after every view is rebuilt from the log', async () => {
    await stack.rebuildViewsFromLog();
    await waitForAll([...ofA, ...ofB]);
    await expectAErasedAndBIntact();
    expect(await findInPostgres(stack.pg, stringsOf(ofA))).toEqual([]);
    if (stack.mongoDatabase) expect(await findInMongo(stack.config.mongoUrl, stringsOf(ofA))).toEqual([]);
  });

  it('refuses to start the services with another master key, or none, saying which key is wrong', async () => {
    const other = { ...stack.config, masterKey: randomBytes(32).toString('base64') };
    const none = { ...stack.config, masterKey: undefined };
    for (const start of [startCommandService, startQueryService]) {
      await expect(start(other, { host: '127.0.0.1' })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/ORDERSOURCE_MASTER_KEY/) });
      await expect(start(none, { host: '127.0.0.1' })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/ORDERSOURCE_MASTER_KEY is required/) });
    }
  });
});
