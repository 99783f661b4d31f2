import type { OrderEventType } from '@ordersource/domain';
import type { EventData } from '../../personal-fields';

export type EventDataByType = { [T in OrderEventType]: EventData<T> };

/**
 * One event of every type for a customer, every optional field present, each personal string
 * carrying `marker` so a search for it finds only this customer's plaintext.
 */
export function everyEventOf(customerId: string, marker: string, orderId = '0b7f1f6e-6f43-4a43-9d3c-1f2a4c5b6d7e'): EventDataByType {
  return {
    OrderPlaced: {
      orderId,
      customerId,
      currency: 'EUR',
      items: [{ sku: 'SKU-KETTLE', name: 'Kettle', quantity: 1, unitPrice: 1999 }],
      total: 1999,
      channel: 'web',
      shippingAddress: {
        name: `Ada Lovelace ${marker}`,
        line1: `12 Analytical Lane ${marker}`,
        line2: `Flat ${marker}`,
        city: `Marylebone ${marker}`,
        postalCode: `W1 ${marker}`.slice(0, 16),
        country: 'GB',
      },
    },
    PaymentAuthorized: { orderId, amount: 1999, method: 'card', paymentId: 'pay-1' },
    PaymentFailed: { orderId, reason: `card of Ada declined ${marker}`, method: 'card' },
    PaymentCaptured: { orderId, amount: 1999 },
    ShipmentDispatched: { orderId, carrier: 'DHL', trackingNumber: 'TRACK-1', warehouse: 'WH-1' },
    ShipmentCheckpointRecorded: { orderId, location: 'Leipzig hub', kind: 'arrived', occurredAt: '2026-01-02T03:04:05.000Z' },
    OrderDelivered: { orderId, receivedBy: `neighbour Charles ${marker}` },
    OrderCancelled: { orderId, reason: `moving house to ${marker}`, authorizationVoided: true },
    PaymentRefunded: { orderId, amount: 1999, reason: `Ada asked for a refund ${marker}`, full: true },
    OrderReverted: { orderId, toVersion: 1, voidedVersions: [2], reason: `Ada's order was scanned by mistake ${marker}` },
  };
}

/** Every personal string in `everyEventOf(…, marker)`: what must never appear in storage. */
export function personalStringsOf(events: EventDataByType): string[] {
  const address = events.OrderPlaced.shippingAddress;
  return [
    address.name,
    address.line1,
    address.line2 as string,
    address.city,
    address.postalCode,
    events.PaymentFailed.reason,
    events.OrderDelivered.receivedBy as string,
    events.OrderCancelled.reason,
    events.PaymentRefunded.reason,
    events.OrderReverted.reason,
  ];
}
