import { randomUUID } from 'node:crypto';
import { MemoryReadStore, readModelViews } from '@ordersource/read-models';
import type { FastifyRequest } from 'fastify';
import { ReadAccess } from './read-access';

/** Parked X-Min-Version reads share one look per view (issue 17: each polled on its own). */
class CountingStore extends MemoryReadStore {
  readonly looks: string[][] = [];
  override loadHeads(view: string, orderIds: string[]) {
    this.looks.push(orderIds);
    return super.loadHeads(view, orderIds);
  }
}

const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe('parked X-Min-Version reads', () => {
  it('share one store look per poll, whatever the number of parked reads', async () => {
    const store = new CountingStore(readModelViews);
    await store.ensureViews();
    const access = new ReadAccess(store, { minVersionPollMs: 20 });
    const ids = Array.from({ length: 50 }, () => randomUUID());

    const answers = await Promise.allSettled(ids.map((id) => access.head('order-tracking', id, request({ 'x-min-version': '1', 'x-wait-ms': '500' }))));

    expect(answers.every((answer) => answer.status === 'rejected' && (answer.reason as { status: number }).status === 503)).toBe(true);
    // One look per read on arrival, then about one shared look per 20 ms poll over the 500 ms
    // wait, each covering the reads then parked; polling per read would be some 1,250 looks.
    expect(store.looks.length).toBeLessThanOrEqual(50 + 40);
    expect(Math.max(...store.looks.map((look) => look.length))).toBeGreaterThan(25);
  });

  it('wakes a parked read at the look after the view reaches its version', async () => {
    const store = new CountingStore(readModelViews);
    await store.ensureViews();
    const access = new ReadAccess(store, { minVersionPollMs: 10 });
    const orderId = randomUUID();
    const parked = access.head('order-tracking', orderId, request({ 'x-min-version': '1', 'x-wait-ms': '5000' }));
    await store.applyChanges('order-tracking', [{ orderId, expectedVersion: 0, version: 1, head: { orderId, version: 1 } as never, records: [] }]);

    expect((await parked)?.version).toBe(1);
  });
});
