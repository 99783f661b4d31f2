import {
  authorizePayment,
  cancelOrder,
  capturePayment,
  deliverOrder,
  dispatchShipment,
  emitted,
  failPayment,
  given,
  historyIn,
  paymentRefunded,
  placeOrder,
  recordCheckpoint,
  refundPayment,
  total,
} from './support/order-fixtures';

describe('an order in DELIVERED', () => {
  const delivered = historyIn.DELIVERED;

  it('rejects placing it again because it already exists', () => {
    given(delivered()).when(placeOrder()).thenThrows('order-already-exists');
  });

  it.each([
    ['an authorization', authorizePayment],
    ['a payment failure', failPayment],
    ['a capture', capturePayment],
    ['shipping', dispatchShipment],
    ['a checkpoint', recordCheckpoint],
    ['a second delivery', deliverOrder],
    ['a cancellation', cancelOrder],
  ] as const)('rejects %s because the order is already delivered', (_what, command) => {
    given(delivered()).when(command()).thenThrows('order-already-delivered');
  });

  it('refunds part of the payment and stays delivered', () => {
    given(delivered())
      .when(refundPayment({ amount: 500 }))
      .then([emitted.paymentRefunded(500, false)])
      .andState({ status: 'DELIVERED', refunded: 500 });
  });

  it('refunds the whole payment and becomes refunded', () => {
    given(delivered())
      .when(refundPayment({ amount: total }))
      .then([emitted.paymentRefunded(total, true)])
      .andState({ status: 'REFUNDED', refunded: total });
  });

  it('becomes refunded when refunds reach the captured amount over several calls', () => {
    given([...delivered(), paymentRefunded(1), paymentRefunded(2)])
      .when(refundPayment({ amount: total - 3 }))
      .then([emitted.paymentRefunded(total - 3, true)])
      .andState({ status: 'REFUNDED', refunded: total });
  });

  it('rejects a refund above what is left to refund', () => {
    given(delivered()).when(refundPayment({ amount: total + 1 })).thenThrows('refund-exceeds-captured');
  });
});
