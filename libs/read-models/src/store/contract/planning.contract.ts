import { projections, readModelViews } from '../../projections';
import { PAYMENT_RECORDS } from '../../projections/payments/payments.projection';
import { runProjection } from '../../projection-runner';
import { deliveredOrderHistory } from '../../testing/order-history';
import { ViewGenerationError } from '../errors';
import { MemoryReadStore } from '../memory/memory-read-store';
import { freshId, isoAt, trackingHead, type ReadStoreSubject } from './fixtures';

/**
 * What a writer may plan from (issue 18: a store answers a planning load with the heads it
 * applied itself, ../applied-heads.ts): never a head another instance over the same data moved
 * or replaced since. `twin` is a second instance over the same data (for an adapter without
 * per-instance state, the same one).
 */
export function planningContract(store: ReadStoreSubject, twin: ReadStoreSubject): void {
  it('refuses a view it does not define, for loading heads and for applying, and writes nothing', async () => {
    const orderId = freshId();
    await expect(store().loadHeads('no-such-view', [orderId])).rejects.toThrow(ViewGenerationError);
    const change = { orderId, expectedVersion: 0, version: 1, head: trackingHead(orderId, 'c', isoAt(1), { version: 1 }), records: [] };
    await expect(store().applyChanges('no-such-view', [change])).rejects.toThrow(ViewGenerationError);
    expect(await store().loadHeads('order-tracking', [orderId])).toEqual(new Map());
  });

  it('refuses a change set that expects a head the view does not have, and creates none', async () => {
    const orderId = freshId();
    const change = { orderId, expectedVersion: 3, version: 4, head: trackingHead(orderId, 'c', isoAt(1), { version: 4 }), records: [] };
    expect(await store().applyChanges('order-tracking', [change])).toEqual({ applied: [], conflicts: [orderId] });
    expect(await store().loadHeads('order-tracking', [orderId])).toEqual(new Map());
    expect(await store().findById({ view: 'order-tracking', id: orderId })).toBeNull();
  });

  it('re-plans from a fresh read an order another instance moved since this one applied it', async () => {
    const orderId = freshId();
    const history = deliveredOrderHistory(orderId);
    const reference = new MemoryReadStore(readModelViews);
    await runProjection(projections.payments, reference, history);
    await runProjection(projections.payments, store(), history.slice(0, 3));
    await runProjection(projections.payments, twin(), history.slice(0, 6));
    // This instance last applied version 3; the view is at 6: 4-6 are duplicates, 7-10 applied on top of 6.
    expect(await runProjection(projections.payments, store(), history.slice(3))).toMatchObject({ applied: 4, duplicates: 3, gaps: [] });
    expect(await twin().loadHeads('payments', [orderId])).toEqual(await reference.loadHeads('payments', [orderId]));
    const where = [{ field: 'orderId', op: 'eq' as const, value: orderId }];
    const page = { view: 'payments', collection: PAYMENT_RECORDS, where, sortBy: 'at', direction: 'asc' as const, limit: 100 };
    expect((await twin().findPage(page)).items).toEqual((await reference.findPage(page)).items);
  });

  it('meets a generation another instance swapped in with a read, not with the heads it applied to the one before', async () => {
    const orderId = freshId();
    const history = deliveredOrderHistory(orderId);
    const before = (await store().generations('shipping')).active;
    await runProjection(projections.shipping, store(), history.slice(0, 3));
    const shadow = await twin().createShadow('shipping');
    await twin().swap('shipping', shadow);
    try {
      // The new generation has never seen the order: the rest of its history is a gap there, and nothing is applied.
      const stats = await runProjection(projections.shipping, store(), history.slice(3));
      expect(stats).toMatchObject({ applied: 0, gaps: [expect.objectContaining({ orderId, expected: 1, got: 4 })] });
      expect(await twin().loadHeads('shipping', [orderId])).toEqual(new Map());
      expect((await twin().loadHeads('shipping', [orderId], { generation: before })).get(orderId)?.version).toBe(3);
    } finally {
      await twin().rollback('shipping');
    }
  });
}
