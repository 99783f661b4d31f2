import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryReadStore, readModelViews } from '@ordersource/read-models';
import { ProblemError } from '@ordersource/platform';
import type { FastifyRequest } from 'fastify';
import { HeadWatch } from './head-watch';
import { ReadAccess } from './read-access';

const orderId = '7c1e4a52-1111-4aaa-8bbb-000000000001';
const customer = { role: 'customer' as const, subject: 'cust-a', customerId: 'cust-a' };
const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as FastifyRequest;

async function project(store: MemoryReadStore, view: string, head: Record<string, unknown>): Promise<void> {
  await store.applyChanges(view, [{ orderId, expectedVersion: 0, version: 1, head: { orderId, version: 1, ...head } as never, records: [] }]);
}

describe('customer access across independently projected views', () => {
  it('waits for the tracking view to learn who owns an order another view already shows, instead of answering 404', async () => {
    const store = new MemoryReadStore(readModelViews);
    await store.ensureViews();
    const access = new ReadAccess(store, new HeadWatch(store, 5));
    await project(store, 'payments', { currency: 'EUR' });
    // The payments view has the order; the tracking view learns its owner a little later.
    const tracking = sleep(100).then(() => project(store, 'order-tracking', { customerId: 'cust-a', status: 'PLACED', placedAt: '2026-01-01T00:00:00.000Z' }));
    const document = await access.document('payments', orderId, request({ 'x-min-version': '1' }), customer);
    await tracking;
    expect(document.orderId).toBe(orderId);
  });

  it("answers 404 for another customer's order without waiting for anything", async () => {
    const store = new MemoryReadStore(readModelViews);
    await store.ensureViews();
    const access = new ReadAccess(store, new HeadWatch(store, 5));
    await project(store, 'order-tracking', { customerId: 'cust-b', status: 'PLACED', placedAt: '2026-01-01T00:00:00.000Z' });
    await project(store, 'payments', { currency: 'EUR' });
    await expect(access.document('payments', orderId, request(), customer)).rejects.toMatchObject({ status: 404 } satisfies Partial<ProblemError>);
  });

  it('gives up after X-Wait-Ms when the tracking view never shows the owner', async () => {
    const store = new MemoryReadStore(readModelViews);
    await store.ensureViews();
    const access = new ReadAccess(store, new HeadWatch(store, 5));
    await project(store, 'payments', { currency: 'EUR' });
    await expect(access.document('payments', orderId, request({ 'x-wait-ms': '50' }), customer)).rejects.toMatchObject({ status: 404 });
  });
});

describe('X-Wait-Ms', () => {
  it.each(['abc', '-1', '9999999'])('answers 400 for %j on any read, staff or customer, with or without X-Min-Version', async (value) => {
    const store = new MemoryReadStore(readModelViews);
    await store.ensureViews();
    const access = new ReadAccess(store, new HeadWatch(store, 5));
    await project(store, 'order-tracking', { customerId: 'cust-a', status: 'PLACED', placedAt: '2026-01-01T00:00:00.000Z' });
    const staff = { role: 'admin' as const, subject: 'adm' };
    for (const principal of [staff, customer]) {
      for (const headers of [{ 'x-wait-ms': value }, { 'x-wait-ms': value, 'x-min-version': '1' }] as Record<string, string>[]) {
        await expect(access.document('order-tracking', orderId, request(headers), principal)).rejects.toMatchObject({ status: 400 } satisfies Partial<ProblemError>);
      }
    }
    expect((await access.document('order-tracking', orderId, request(), staff)).orderId).toBe(orderId);
  });
});
