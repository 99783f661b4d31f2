import { alertSettings } from '@ordersource/monitoring';
import { eventually } from '@ordersource/testing/eventually';
import { httpClient } from './support/http';
import { keys } from './support/keys';
import { Stack, startQueryService, startStack } from './support/stack';

/**
 * GET /alerts over the whole embedded stack with a second query service running: history comes
 * in through POST /admin/imports, an order unpaid for two hours fires order-unpaid once (one
 * evaluator acts however many instances run), both instances show it, and paying the order
 * resolves it.
 */
describe('alerts over the running stack (embedded, two query services)', () => {
  let stack: Stack;
  let second: Awaited<ReturnType<typeof startQueryService>>;
  const orderId = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';

  beforeAll(async () => {
    stack = await startStack('embedded');
    second = await startQueryService(stack.config, { host: '127.0.0.1', alerts: { ...alertSettings({}), evalIntervalMs: 200 } });
  });

  afterAll(async () => {
    await second?.close();
    await stack?.stop();
  });

  it('fires order-unpaid once for an imported order unpaid for two hours, on every instance, and resolves when it is paid', async () => {
    const placedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
    const line = JSON.stringify({
      orderId,
      customerId: 'cust-a',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 1200 }],
      shippingAddress: { name: 'Ada', line1: '1 Lane', city: 'London', postalCode: 'N1', country: 'GB' },
      placedAt,
      steps: [],
    });
    const imported = await fetch(`${stack.command.baseUrl}/admin/imports`, { method: 'POST', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/x-ndjson' }, body: `${line}\n` });
    expect(await imported.json()).toMatchObject({ imported: 1, rejected: [] });

    const other = httpClient(second.url);
    const firingOn = async (client: typeof other) => {
      const answer = await client.get('/alerts?state=firing&rule=order-unpaid', { key: keys.operator });
      return answer.status === 200 && answer.body.items.length > 0 ? answer.body.items : undefined;
    };
    const items = await eventually('order-unpaid fires on the first instance', () => firingOn(stack.query), { timeoutMs: 45_000 });
    expect(items).toEqual([expect.objectContaining({ rule: 'order-unpaid', subject: orderId, state: 'firing', severity: 'warning', threshold: 3600 })]);
    expect(await eventually('order-unpaid shows on the second instance', () => firingOn(other), { timeoutMs: 45_000 })).toEqual(items);
    const metrics = await eventually('the firing gauge reads 1', async () => {
      const text = (await other.get('/metrics', { key: null })).text;
      return /ordersource_alerts_firing\{rule="order-unpaid"[^}]*\} 1/.test(text) ? text : undefined;
    }, { timeoutMs: 45_000 });
    expect(metrics).toContain('ordersource_alerts_firing');

    expect((await stack.command.post(`/orders/${orderId}/payment/authorize`, { amount: 1200, method: 'card' })).status).toBe(200);
    const resolved = await eventually('order-unpaid resolves', async () => {
      const answer = await other.get('/alerts?state=resolved&rule=order-unpaid', { key: keys.operator });
      return answer.body.items.length > 0 ? answer.body.items : undefined;
    }, { timeoutMs: 45_000 });
    expect(resolved).toEqual([expect.objectContaining({ alertId: items[0].alertId, state: 'resolved', resolvedAt: expect.any(String) })]);
    const all = await stack.query.get('/alerts?rule=order-unpaid', { key: keys.admin });
    expect(all.body.items).toHaveLength(1);
  });

  it('is for staff, validates its query, and pages with a cursor of its own route', async () => {
    expect((await stack.query.get('/alerts', { key: keys.customerA })).status).toBe(403);
    expect((await stack.query.get('/alerts?state=open')).status).toBe(400);
    expect((await stack.query.get('/alerts?colour=red')).status).toBe(400);
    expect((await stack.query.get('/alerts?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    const page = await stack.query.get('/alerts?limit=1');
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ items: expect.any(Array), nextCursor: null });
  });
});
