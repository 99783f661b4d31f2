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

describe('an order in PAID', () => {
  const paid = historyIn.PAID;

  it('rejects placing it again because it already exists', () => {
    given(paid()).when(placeOrder()).thenThrows('order-already-exists');
  });

  it('rejects an authorization because the payment is already captured', () => {
    given(paid()).when(authorizePayment()).thenThrows('payment-already-captured');
  });

  it('rejects a payment failure because the payment is already captured', () => {
    given(paid()).when(failPayment()).thenThrows('payment-already-captured');
  });

  it('rejects a second capture', () => {
    given(paid()).when(capturePayment()).thenThrows('payment-already-captured');
  });

  it('ships the order', () => {
    given(paid()).when(dispatchShipment()).then([emitted.shipmentDispatched()]).andState({ status: 'SHIPPED' });
  });

  it('rejects a checkpoint because the order is not shipped', () => {
    given(paid()).when(recordCheckpoint()).thenThrows('order-not-shipped');
  });

  it('rejects delivery because the order is not shipped', () => {
    given(paid()).when(deliverOrder()).thenThrows('order-not-shipped');
  });

  it('cancels and refunds the captured amount in full', () => {
    given(paid())
      .when(cancelOrder())
      .then([emitted.orderCancelled(false), emitted.paymentRefunded(total, true, 'changed my mind')])
      .andState({ status: 'CANCELLED', captured: total, refunded: total });
  });

  it('cancels after a partial refund and refunds only what is left', () => {
    given([...paid(), paymentRefunded(999)])
      .when(cancelOrder())
      .then([emitted.orderCancelled(false), emitted.paymentRefunded(total - 999, true, 'changed my mind')])
      .andState({ status: 'CANCELLED', refunded: total });
  });

  it('refunds part of the payment and stays paid', () => {
    given(paid())
      .when(refundPayment({ amount: 500 }))
      .then([emitted.paymentRefunded(500, false)])
      .andState({ status: 'PAID', refunded: 500 });
  });

  it('refunds the whole payment and becomes refunded', () => {
    given(paid())
      .when(refundPayment({ amount: total }))
      .then([emitted.paymentRefunded(total, true)])
      .andState({ status: 'REFUNDED', refunded: total });
  });

  it('becomes refunded when a later partial refund reaches the captured amount', () => {
    given([...paid(), paymentRefunded(1000)])
      .when(refundPayment({ amount: total - 1000 }))
      .then([emitted.paymentRefunded(total - 1000, true)])
      .andState({ status: 'REFUNDED', refunded: total });
  });

  it('rejects a refund above the captured amount', () => {
    const error = given(paid()).when(refundPayment({ amount: total + 1 })).thenThrows('refund-exceeds-captured');
    expect(error.kind).toBe('conflict');
  });

  it('rejects a refund above what is left after earlier refunds', () => {
    given([...paid(), paymentRefunded(total - 10)])
      .when(refundPayment({ amount: 11 }))
      .thenThrows('refund-exceeds-captured');
  });
});
