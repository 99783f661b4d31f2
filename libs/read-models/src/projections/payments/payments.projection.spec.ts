import { runProjection } from '../../projection-runner';
import { MemoryReadStore } from '../../store/memory/memory-read-store';
import { at, deliveredOrderHistory, orderEvent, orderUuid, SEALED } from '../../testing/order-history';
import { readModelViews } from '..';
import { PAYMENT_RECORDS, paymentsProjection } from './payments.projection';

describe('payments projection', () => {
  it('records authorization, capture and refund, the refund reason still sealed', async () => {
    const orderId = orderUuid(1);
    const store = new MemoryReadStore(readModelViews);
    await runProjection(paymentsProjection, store, deliveredOrderHistory(orderId));
    expect(await store.findById({ view: 'payments', id: orderId })).toEqual({
      orderId,
      currency: 'EUR',
      records: [
        { kind: 'authorization', amount: 2500, method: 'card', result: 'authorized', reason: null, at: at(60) },
        { kind: 'capture', amount: 2500, method: 'card', result: 'captured', reason: null, at: at(120) },
        { kind: 'refund', amount: 500, method: 'card', result: 'refunded', reason: SEALED('reason'), at: at(11000) },
      ],
      authorized: 2500,
      captured: 2500,
      refunded: 500,
      // Shipping events advance the version too, so X-Min-Version works on this view.
      version: 10,
    });
  });

  it('keeps each record as its own document, queryable across orders by kind and time', async () => {
    const store = new MemoryReadStore(readModelViews);
    const first = orderUuid(1);
    const second = orderUuid(2);
    await runProjection(paymentsProjection, store, [
      ...deliveredOrderHistory(first),
      ...deliveredOrderHistory(second, 30).slice(0, 1),
      orderEvent(second, 2, 'PaymentFailed', { reason: SEALED('reason') }, { occurredAt: at(90) }),
    ]);
    const page = await store.findPage({ view: 'payments', collection: PAYMENT_RECORDS, where: [{ field: 'kind', op: 'in', values: ['failure', 'refund'] }], sortBy: 'at', direction: 'asc', limit: 10 });
    expect(page.items).toEqual([
      { kind: 'failure', amount: null, method: null, result: 'failed', reason: SEALED('reason'), at: at(90), orderId: second, currency: 'EUR', version: 2 },
      { kind: 'refund', amount: 500, method: 'card', result: 'refunded', reason: SEALED('reason'), at: at(11000), orderId: first, currency: 'EUR', version: 10 },
    ]);
  });
});
