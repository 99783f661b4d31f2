import { randomUUID } from 'node:crypto';
import { eventually } from '@ordersource/testing/eventually';
import { HttpAnswer, HttpClient, httpClient, inBatches, ok } from './support/http';
import { keys } from './support/keys';
import { RunningCommandService, Stack, startCommandService, startStack } from './support/stack';

/**
 * Order numbers (issue 15, API.md "Order numbers, traces, and a schema change in practice"):
 * unique under concurrency across two command-service instances on one database, each one
 * resolving to its order, and private to its customer.
 */
const PLACEMENTS = 1000;
const wait = { 'x-min-version': '1', 'x-wait-ms': '10000' };

const placeBody = (customerId: string, index: number) => ({
  customerId,
  currency: 'EUR',
  items: [{ sku: `SKU-${index % 7}`, quantity: 1 + (index % 3), unitPrice: 500 }],
  shippingAddress: { name: `Person ${index}`, line1: `${index} Number Road`, city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' },
});

/** A problem answer with the asked-for number taken out: what tells two answers apart. */
function shapeOf(answer: HttpAnswer, asked: string) {
  return { status: answer.status, contentType: answer.headers.get('content-type'), body: JSON.parse(answer.text.split(asked).join('<asked>')) };
}

describe('order numbers (embedded profile, two command-service instances)', () => {
  let stack: Stack;
  let second: RunningCommandService;
  let instances: HttpClient[];
  const placed: { orderId: string; orderNumber: string; customerId: string }[] = [];

  beforeAll(async () => {
    stack = await startStack('embedded');
    second = await startCommandService(stack.config, { host: '127.0.0.1' });
    instances = [stack.command, httpClient(second.url)];
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await stack?.stop();
  });

  it(`gives ${PLACEMENTS} concurrent placements ${PLACEMENTS} distinct numbers of this year, each resolving to its order`, async () => {
    const year = new Date().getUTCFullYear();
    const answers = await inBatches(Array.from({ length: PLACEMENTS }, (_, index) => index), 48, async (index) => {
      const customerId = index % 2 ? 'cust-b' : 'cust-a';
      const body = ok(await instances[index % 2].post('/orders', placeBody(customerId, index), { key: index % 3 ? keys.operator : customerId === 'cust-a' ? keys.customerA : keys.customerB }), 201, `placement ${index}`);
      return { orderId: body.orderId as string, orderNumber: body.orderNumber as string, customerId };
    });
    placed.push(...answers);
    expect(new Set(answers.map((answer) => answer.orderNumber)).size).toBe(PLACEMENTS);
    expect(new Set(answers.map((answer) => answer.orderId)).size).toBe(PLACEMENTS);
    for (const { orderNumber } of answers) expect(orderNumber).toMatch(new RegExp(`^OS-${year}-\\d{6}$`));

    const resolved = await inBatches(answers, 16, async ({ orderNumber }) => ok(await stack.query.get(`/orders/by-number/${orderNumber}`, { headers: wait }), 200, `GET by-number ${orderNumber}`));
    expect(resolved.map((order) => [order.orderId, order.orderNumber, order.channel])).toEqual(answers.map((answer) => [answer.orderId, answer.orderNumber, 'web']));
    // The stored events say the same: one OrderPlaced v2 per order with the number answered.
    const { rows } = await stack.pg.query<{ n: string; numbers: string }>(`SELECT count(*) AS n, count(DISTINCT data->>'orderNumber') AS numbers FROM events WHERE type = 'OrderPlaced' AND schema_version = 2`);
    expect(rows[0]).toEqual({ n: String(PLACEMENTS), numbers: String(PLACEMENTS) });
  }, 600_000);

  it('answers GET /orders/by-number/{n} as GET /orders/{id} does, and lists the order under ?orderNumber=', async () => {
    const [order] = placed;
    const byId = await stack.query.get(`/orders/${order.orderId}`);
    const byNumber = await stack.query.get(`/orders/by-number/${order.orderNumber}`);
    expect({ status: byNumber.status, etag: byNumber.headers.get('etag'), body: byNumber.body }).toEqual({ status: 200, etag: byId.headers.get('etag'), body: byId.body });
    const listed = ok(await stack.query.get(`/orders?orderNumber=${order.orderNumber}`, { key: keys.operator }));
    expect(listed.items.map((item: { orderId: string }) => item.orderId)).toEqual([order.orderId]);
  });

  it("answers a customer asking for another customer's number exactly as an unknown number, with and without X-Min-Version", async () => {
    const ofB = placed.filter((order) => order.customerId === 'cust-b').slice(0, 5);
    const unknown = `OS-${new Date().getUTCFullYear()}-999999`;
    let compared = 0;
    for (const foreign of ofB) {
      for (const headers of [{}, { 'x-min-version': '1', 'x-wait-ms': '300' }] as Record<string, string>[]) {
        const other = await stack.query.get(`/orders/by-number/${foreign.orderNumber}`, { key: keys.customerA, headers });
        const none = await stack.query.get(`/orders/by-number/${unknown}`, { key: keys.customerA, headers });
        expect(shapeOf(other, foreign.orderNumber)).toEqual(shapeOf(none, unknown));
        expect(other.status).toBe(Object.keys(headers).length ? 503 : 404);
        expect(other.text).not.toContain(foreign.orderId);
        compared++;
      }
      const listed = ok(await stack.query.get(`/orders?orderNumber=${foreign.orderNumber}`, { key: keys.customerA }));
      expect(listed.items).toEqual([]);
      // Its own customer resolves it.
      expect(ok(await stack.query.get(`/orders/by-number/${foreign.orderNumber}`, { key: keys.customerB })).orderId).toBe(foreign.orderId);
    }
    expect(compared).toBe(10);
  });

  it('waits with X-Min-Version for an order the view does not have yet, right after placing it', async () => {
    const answer = ok(await stack.command.post('/orders', placeBody('cust-a', 5000), { key: keys.customerA }), 201);
    const order = ok(await stack.query.get(`/orders/by-number/${answer.orderNumber}`, { key: keys.customerA, headers: wait }));
    expect(order).toMatchObject({ orderId: answer.orderId, orderNumber: answer.orderNumber, version: 1 });
  });

  it('answers a placement retried with its own orderId with the first number; another channel is a conflict', async () => {
    const orderId = randomUUID();
    const body = { ...placeBody('cust-a', 6000), orderId, channel: 'app' };
    const first = ok(await stack.command.post('/orders', body), 201);
    const again = ok(await stack.command.post('/orders', body), 201);
    expect(again).toEqual(first);
    expect((await stack.command.post('/orders', { ...body, channel: 'pos' })).status).toBe(409);
    await eventually('the view has the app order', async () => (await stack.query.get(`/orders/by-number/${first.orderNumber}`)).body?.channel === 'app', { timeoutMs: 30_000 });
  });

  it('refuses a malformed number or channel with a problem, changing nothing', async () => {
    const before = (await stack.pg.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n;
    let tried = 0;
    for (const path of ['/orders/by-number/OS-2026-12', '/orders/by-number/os-2026-000001', '/orders?orderNumber=4211', '/orders?orderNumber=OS-2026-000001%20']) {
      const answer = await stack.query.get(path);
      expect({ path, status: answer.status, type: answer.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
      tried++;
    }
    for (const channel of ['email', '', 7, null]) {
      const answer = await stack.command.post('/orders', { ...placeBody('cust-a', 7000), channel });
      expect({ channel, status: answer.status, rule: answer.body?.type }).toEqual({ channel, status: 400, rule: expect.stringContaining('invalid-request') });
      tried++;
    }
    expect(tried).toBe(8);
    expect((await stack.pg.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n).toBe(before);
  });
});
