import { runProjection } from '../projection-runner';
import { paymentsProjection } from '../projections/payments/payments.projection';
import { MemoryReadStore } from '../store/memory/memory-read-store';
import { deliveredOrderHistory, orderUuid } from '../testing/order-history';
import { rebuildViews } from './rebuild-views';
import { diffGenerations, documentHash } from './view-diff';

describe('diffGenerations', () => {
  const orders = Array.from({ length: 7 }, (_, index) => orderUuid(index + 1));
  const history = (orderId: string) => deliveredOrderHistory(orderId);

  async function twoGenerations() {
    const store = new MemoryReadStore(rebuildViews);
    await store.ensureViews();
    const shadow = await store.createShadow('payments');
    for (const generation of [1, shadow]) {
      for (const orderId of orders) await runProjection(paymentsProjection, store, history(orderId), { generation });
    }
    return { store, shadow };
  }

  it('finds no difference between generations built from the same events, whatever the page size', async () => {
    const { store, shadow } = await twoGenerations();
    const diff = await diffGenerations(store, paymentsProjection.view, 1, shadow, { pageSize: 3 });
    // Seven heads plus their payment records.
    expect(diff).toEqual({ liveCount: diff.rebuiltCount, rebuiltCount: diff.rebuiltCount, differences: 0, differingIds: [] });
    expect(diff.liveCount).toBeGreaterThan(orders.length);
  });

  it('names a document that differs, one missing on either side, and caps the list but not the count', async () => {
    const { store, shadow } = await twoGenerations();
    const extra = orderUuid(99);
    await runProjection(paymentsProjection, store, history(extra), { generation: shadow });
    // A head rewritten in the live generation only (as a buggy projection version would).
    const [changed] = orders;
    const head = await store.loadHeads('payments', [changed], { generation: 1 });
    const current = head.get(changed);
    await store.applyChanges('payments', [{ orderId: changed, expectedVersion: current?.version ?? 0, version: (current?.version ?? 0) + 1, head: { ...current?.document, refunded: 1 }, records: [] }], { generation: 1 });

    const diff = await diffGenerations(store, paymentsProjection.view, 1, shadow, { pageSize: 2 });
    // Heads first, then the records collection; each in order id order.
    expect(diff.differingIds).toEqual([changed, extra, `payment-records/${extra}`]);
    expect(diff.differences).toBe(3);
    const capped = await diffGenerations(store, paymentsProjection.view, 1, shadow, { cap: 1 });
    expect(capped).toMatchObject({ differences: 3, differingIds: [changed] });
  });

  it('hashes canonical JSON: key order does not matter, values do', () => {
    expect(documentHash({ a: 1, b: { c: [1, 2] } })).toBe(documentHash({ b: { c: [1, 2] }, a: 1 }));
    expect(documentHash({ a: 1 })).not.toBe(documentHash({ a: 2 }));
  });
});
