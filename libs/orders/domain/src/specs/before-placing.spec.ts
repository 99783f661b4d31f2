import { orderCommandTypes } from '../commands';
import {
  aValidCommand,
  authorizePayment,
  earlier,
  given,
  items,
  metadata,
  orderId,
  orderNumber,
  placeOrder,
  shippingAddress,
  total,
} from './support/order-fixtures';

const orderPlacedAt = (at: string, id = orderId) => ({
  type: 'OrderPlaced' as const,
  schemaVersion: 2 as const,
  data: { orderId: id, customerId: 'cust-42', currency: 'EUR', items, total, shippingAddress, channel: 'web' as const, orderNumber },
  occurredAt: at,
});

describe('before the order is placed', () => {
  it('places the order with its total computed from the items', () => {
    given([])
      .when(placeOrder())
      .then([orderPlacedAt(metadata.now)])
      .andState({
        status: 'PLACED',
        orderId,
        customerId: 'cust-42',
        currency: 'EUR',
        total,
        authorized: 0,
        captured: 0,
        refunded: 0,
        placedAt: metadata.now,
      });
  });

  it('takes the order id and the time from the command metadata', () => {
    given([])
      .when({ ...placeOrder(), metadata: { ...metadata, orderId: 'other-id', now: earlier } })
      .then([orderPlacedAt(earlier, 'other-id')]);
  });

  it('keeps a second address line when one is given', () => {
    const address = { ...shippingAddress, line2: 'Flat 3' };
    const placed = orderPlacedAt(metadata.now);
    given([])
      .when(placeOrder({ shippingAddress: address }))
      .then([{ ...placed, data: { ...placed.data, shippingAddress: address } }]);
  });

  it.each(orderCommandTypes.filter((type) => type !== 'PlaceOrder'))(
    'rejects %s because the order is not found',
    (type) => {
      const error = given([]).when(aValidCommand[type]()).thenThrows('order-not-found');
      expect(error.kind).toBe('not-found');
    },
  );

  it('answers not found before comparing a payment amount with a total that does not exist', () => {
    given([]).when(authorizePayment({ amount: 1 })).thenThrows('order-not-found');
  });
});
