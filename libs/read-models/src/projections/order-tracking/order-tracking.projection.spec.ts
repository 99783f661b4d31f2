import { runProjection } from '../../projection-runner';
import { MemoryReadStore } from '../../store/memory/memory-read-store';
import { at, deliveredOrderHistory, orderEvent, orderUuid, SEALED } from '../../testing/order-history';
import { readModelViews } from '..';
import { orderTrackingProjection } from './order-tracking.projection';

const orderId = orderUuid(1);

async function trackingAfter(events: Parameters<typeof runProjection>[2]) {
  const store = new MemoryReadStore(readModelViews);
  await runProjection(orderTrackingProjection, store, events);
  return store.findById({ view: 'order-tracking', id: orderId });
}

describe('order-tracking projection', () => {
  it('builds the tracking view of a delivered, partly refunded order', async () => {
    // The history is stored as OrderPlaced v1: read as v2, placed on the web, with no number.
    expect(await trackingAfter(deliveredOrderHistory(orderId))).toEqual({
      orderId,
      orderNumber: null,
      customerId: 'customer-1',
      channel: 'web',
      status: 'DELIVERED',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', name: 'Mug', quantity: 2, unitPrice: 1250 }],
      total: 2500,
      payment: { status: 'PARTIALLY_REFUNDED', method: 'card', authorized: 2500, captured: 2500, refunded: 500 },
      shipment: { status: 'DELIVERED', carrier: 'DHL', trackingNumber: 'TRK-1', lastCheckpoint: { location: 'Depot', kind: 'departed', at: at(9000) } },
      timeline: [
        { status: 'PLACED', at: at(0) },
        { status: 'PAYMENT_AUTHORIZED', at: at(60) },
        { status: 'PAID', at: at(120) },
        { status: 'SHIPPED', at: at(180) },
        { status: 'DELIVERED', at: at(10800) },
      ],
      placedAt: at(0),
      updatedAt: at(11000),
      version: 10,
    });
  });

  it('shows the number and channel of an OrderPlaced v2', async () => {
    const [placed] = deliveredOrderHistory(orderId);
    const v2 = { ...placed, schemaVersion: 2, data: { ...placed.data, channel: 'marketplace', orderNumber: 'OS-2026-000017' } };
    expect(await trackingAfter([v2])).toMatchObject({ orderNumber: 'OS-2026-000017', channel: 'marketplace', status: 'PLACED', version: 1 });
  });

  it('keeps the latest checkpoint by time, not the latest recorded', async () => {
    const tracking = await trackingAfter(deliveredOrderHistory(orderId).slice(0, 7));
    expect(tracking).toMatchObject({ status: 'SHIPPED', shipment: { status: 'IN_TRANSIT', lastCheckpoint: { location: 'Depot', kind: 'arrived', at: at(7200) } }, version: 7 });
  });

  it('ends a paid order as REFUNDED on a full refund', async () => {
    const [placed, authorized, captured] = deliveredOrderHistory(orderId);
    const refund = orderEvent(orderId, 4, 'PaymentRefunded', { amount: 2500, reason: SEALED('reason'), full: true }, { occurredAt: at(500) });
    expect(await trackingAfter([placed, authorized, captured, refund])).toMatchObject({
      status: 'REFUNDED',
      payment: { status: 'REFUNDED', captured: 2500, refunded: 2500 },
      timeline: [{ status: 'PLACED' }, { status: 'PAYMENT_AUTHORIZED' }, { status: 'PAID' }, { status: 'REFUNDED', at: at(500) }],
    });
  });

  it('shows a failed payment, its retry, and a cancellation that voids the authorization', async () => {
    const [placed] = deliveredOrderHistory(orderId);
    const events = [
      placed,
      orderEvent(orderId, 2, 'PaymentFailed', { reason: SEALED('reason'), method: 'paypal' }, { occurredAt: at(10) }),
      orderEvent(orderId, 3, 'PaymentAuthorized', { amount: 2500, method: 'card' }, { occurredAt: at(20) }),
      orderEvent(orderId, 4, 'OrderCancelled', { reason: SEALED('reason'), authorizationVoided: true }, { occurredAt: at(30) }),
    ];
    expect(await trackingAfter(events)).toMatchObject({
      status: 'CANCELLED',
      payment: { status: 'VOIDED', method: 'card', authorized: 2500, captured: 0 },
      timeline: [{ status: 'PLACED' }, { status: 'PAYMENT_FAILED', at: at(10) }, { status: 'PAYMENT_AUTHORIZED', at: at(20) }, { status: 'CANCELLED', at: at(30) }],
      version: 4,
    });
  });

  it('keeps no personal field: the shipping address is not in the view at all', async () => {
    const tracking = await trackingAfter(deliveredOrderHistory(orderId));
    expect(JSON.stringify(tracking)).not.toContain('$sealed');
  });
});
