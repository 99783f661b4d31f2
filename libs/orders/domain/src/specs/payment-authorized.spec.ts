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
  placeOrder,
  recordCheckpoint,
  refundPayment,
  total,
} from './support/order-fixtures';

describe('an order in PAYMENT_AUTHORIZED', () => {
  const authorized = historyIn.PAYMENT_AUTHORIZED;

  it('rejects placing it again because it already exists', () => {
    given(authorized()).when(placeOrder()).thenThrows('order-already-exists');
  });

  it('rejects a second authorization because the payment is already authorized', () => {
    given(authorized()).when(authorizePayment()).thenThrows('payment-already-authorized');
  });

  it('rejects a payment failure because the payment is already authorized', () => {
    given(authorized()).when(failPayment()).thenThrows('payment-already-authorized');
  });

  it('captures the authorized amount', () => {
    given(authorized())
      .when(capturePayment())
      .then([emitted.paymentCaptured()])
      .andState({ status: 'PAID', authorized: total, captured: total, refunded: 0 });
  });

  it('rejects shipping because the order is not paid', () => {
    given(authorized()).when(dispatchShipment()).thenThrows('order-not-paid');
  });

  it('rejects a checkpoint because the order is not shipped', () => {
    given(authorized()).when(recordCheckpoint()).thenThrows('order-not-shipped');
  });

  it('rejects delivery because the order is not shipped', () => {
    given(authorized()).when(deliverOrder()).thenThrows('order-not-shipped');
  });

  it('cancels and voids the authorization', () => {
    given(authorized())
      .when(cancelOrder())
      .then([emitted.orderCancelled(true)])
      .andState({ status: 'CANCELLED', captured: 0, refunded: 0 });
  });

  it('rejects a refund because nothing was captured yet', () => {
    given(authorized()).when(refundPayment()).thenThrows('payment-not-captured');
  });
});
