import { projections, readModelViews } from '../../projections';
import { AUDIT_EVENTS } from '../../projections/audit/audit.projection';
import { PAYMENT_RECORDS } from '../../projections/payments/payments.projection';
import { runProjection } from '../../projection-runner';
import { deliveredOrderHistory, orderEvent, revertedOrderHistory, SEALED } from '../../testing/order-history';
import { MemoryReadStore } from '../memory/memory-read-store';
import { freshId, isoAt, placeChange, trackingHead, type ReadStoreSubject } from './fixtures';

export function guardContract(store: ReadStoreSubject): void {
  it('deletes the records a change set voids, and leaves the head of a refused one as it was', async () => {
    const orderId = freshId();
    const record = (version: number) => ({ collection: PAYMENT_RECORDS, id: `${orderId}:${version}`, document: { orderId, kind: 'authorization', at: isoAt(version), version } });
    await store().applyChanges('payments', [{ orderId, expectedVersion: 0, version: 2, head: { orderId, version: 2 }, records: [record(1), record(2)] }]);
    const voiding = { orderId, expectedVersion: 2, version: 3, head: { orderId, version: 3 }, records: [], deletes: [{ collection: PAYMENT_RECORDS, id: `${orderId}:2` }, { collection: PAYMENT_RECORDS, id: `${orderId}:9` }] };
    // A refused change set may have deleted already (MongoDB writes records before the head, see
    // ApplyResult): harmless, a delete is a function of the revert, which a retry applies anyway.
    expect(await store().applyChanges('payments', [{ ...voiding, expectedVersion: 1 }])).toEqual({ applied: [], conflicts: [orderId] });
    expect(await store().loadHeads('payments', [orderId])).toEqual(new Map([[orderId, { version: 2, document: { orderId, version: 2 } }]]));
    expect(await store().applyChanges('payments', [voiding])).toEqual({ applied: [orderId], conflicts: [] });
    expect(await store().findById({ view: 'payments', collection: PAYMENT_RECORDS, id: `${orderId}:2` })).toBeNull();
    expect(await store().findById({ view: 'payments', collection: PAYMENT_RECORDS, id: `${orderId}:1` })).toEqual(record(1).document);
  });

  it('gives every view after a revert its head at the target, in one batch or event by event (issue 13)', async () => {
    const orderId = freshId();
    // Delivered without the refund (money never voided): revert to 4 (dispatched) voids the scans and the delivery.
    const { delivered, revert, history, log } = revertedOrderHistory(orderId);
    for (const projection of Object.values(projections)) {
      const reference = new MemoryReadStore(readModelViews);
      await reference.ensureViews();
      await runProjection(projection, reference, delivered.slice(0, 4));
      const atTarget = (await reference.loadHeads(projection.name, [orderId])).get(orderId)?.document ?? null;
      await runProjection(projection, store(), delivered.slice(0, 7));
      await runProjection(projection, store(), [...delivered.slice(7), revert], { history: log });
      const expected = atTarget === null ? null : { ...atTarget, version: 10 };
      expect({ view: projection.name, head: (await store().loadHeads(projection.name, [orderId])).get(orderId) }).toEqual({ view: projection.name, head: { version: 10, document: expected } });
      const oneBatch = new MemoryReadStore(readModelViews);
      await oneBatch.ensureViews();
      await runProjection(projection, oneBatch, history);
      expect((await oneBatch.loadHeads(projection.name, [orderId])).get(orderId)?.document ?? null).toEqual(expected);
    }
  });

  it('refuses to apply a revert without the history it restores from', async () => {
    const orderId = freshId();
    const events = [...deliveredOrderHistory(orderId).slice(0, 2), orderEvent(orderId, 3, 'OrderReverted', { toVersion: 1, voidedVersions: [2], reason: SEALED('reason') })];
    await runProjection(projections.payments, store(), events.slice(0, 2));
    await expect(runProjection(projections.payments, store(), events.slice(2))).rejects.toThrow(/needs the event store/);
  });

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
