import { projections, readModelViews } from '../../projections';
import { AUDIT_EVENTS } from '../../projections/audit/audit.projection';
import { PAYMENT_RECORDS } from '../../projections/payments/payments.projection';
import { runProjection } from '../../projection-runner';
import { deliveredOrderHistory, SEALED } from '../../testing/order-history';
import { MemoryReadStore } from '../memory/memory-read-store';
import { freshId, isoAt, placeChange, trackingHead, type ReadStoreSubject } from './fixtures';

export function guardContract(store: ReadStoreSubject): void {
  it('applies a change set and reads the head and its records back', async () => {
    const orderId = freshId();
    const record = { collection: AUDIT_EVENTS, id: `${orderId}:1`, document: { orderId, type: 'OrderPlaced', actor: 'a', recordedAt: isoAt(1), version: 1, data: { address: SEALED('address'), '~tilde': 1 } } };
    const result = await store().applyChanges('audit', [{ orderId, expectedVersion: 0, version: 1, head: null, records: [record] }]);
    expect(result).toEqual({ applied: [orderId], conflicts: [] });
    expect(await store().loadHeads('audit', [orderId, freshId()])).toEqual(new Map([[orderId, { version: 1, document: null }]]));
    // Sealed envelopes ($-prefixed keys) and keys like the store's own escapes come back intact.
    expect(await store().findById({ view: 'audit', collection: AUDIT_EVENTS, id: `${orderId}:1` })).toEqual(record.document);
    expect(await store().findById({ view: 'audit', id: orderId })).toBeNull();
  });

  it('refuses a change computed from a stale version and leaves the head as it was', async () => {
    const orderId = freshId();
    await store().applyChanges('order-tracking', [placeChange(orderId, 'c', isoAt(1))]);
    const advanced = { orderId, expectedVersion: 1, version: 2, head: trackingHead(orderId, 'c', isoAt(1), { status: 'PAID', version: 2 }), records: [] };
    expect(await store().applyChanges('order-tracking', [advanced])).toEqual({ applied: [orderId], conflicts: [] });
    const stale = { ...advanced, head: trackingHead(orderId, 'c', isoAt(1), { status: 'CANCELLED', version: 2 }) };
    const again = placeChange(orderId, 'c', isoAt(1));
    expect(await store().applyChanges('order-tracking', [stale])).toEqual({ applied: [], conflicts: [orderId] });
    expect(await store().applyChanges('order-tracking', [again])).toEqual({ applied: [], conflicts: [orderId] });
    expect(await store().findById({ view: 'order-tracking', id: orderId })).toMatchObject({ status: 'PAID', version: 2 });
  });

  it('lets exactly one of many concurrent appliers move an order from the same version', async () => {
    const orderId = freshId();
    await store().applyChanges('order-tracking', [placeChange(orderId, 'c', isoAt(1))]);
    const contenders = Array.from({ length: 8 }, (_, index) => ({
      orderId,
      expectedVersion: 1,
      version: 2,
      head: trackingHead(orderId, 'c', isoAt(1), { status: `S${index}`, version: 2 }),
      records: [],
    }));
    const results = await Promise.all(contenders.map((change) => store().applyChanges('order-tracking', [change])));
    const winners = results.flatMap((result, index) => (result.applied.length > 0 ? [index] : []));
    expect(winners).toHaveLength(1);
    expect(await store().findById({ view: 'order-tracking', id: orderId })).toMatchObject({ status: `S${winners[0]}`, version: 2 });
  });

  it('gives concurrent runners of the same events the documents of one sequential run', async () => {
    const orderIds = [freshId(), freshId(), freshId()];
    const events = orderIds.flatMap((orderId, index) => deliveredOrderHistory(orderId, index));
    const reference = new MemoryReadStore(readModelViews);
    await runProjection(projections.payments, reference, events);
    // Four appliers, each with the events in its own batches: overlapping, racing. A small batch
    // that runs ahead of the view is a gap for its applier (reported, not applied); the whole-log
    // applier fills in whatever the others could not.
    const runs = await Promise.all(
      [3, 5, 7, 30].map(async (size) => {
        const stats = [];
        for (let start = 0; start < events.length; start += size) stats.push(await runProjection(projections.payments, store(), events.slice(start, start + size), { maxRetries: 20 }));
        return stats;
      }),
    );
    const applied = runs.flat().reduce((sum, stats) => sum + stats.applied, 0);
    expect(applied).toBe(events.length);
    const heads = await store().loadHeads('payments', orderIds);
    expect(orderIds.map((orderId) => heads.get(orderId)?.version)).toEqual([10, 10, 10]);
    for (const orderId of orderIds) {
      expect(await store().findById({ view: 'payments', id: orderId })).toEqual(await reference.findById({ view: 'payments', id: orderId }));
      const where = [{ field: 'orderId', op: 'eq' as const, value: orderId }];
      expect(await store().count({ view: 'payments', collection: PAYMENT_RECORDS, where })).toBe(3);
    }
  });
}
