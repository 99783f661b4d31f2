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

describe('an order in PLACED', () => {
  const placed = historyIn.PLACED;

  it('rejects placing it again because it already exists', () => {
    const error = given(placed()).when(placeOrder()).thenThrows('order-already-exists');
    expect(error.kind).toBe('conflict');
  });

  it('authorizes a payment of exactly the total', () => {
    given(placed())
      .when(authorizePayment())
      .then([emitted.paymentAuthorized()])
      .andState({ status: 'PAYMENT_AUTHORIZED', authorized: total, paymentMethod: 'card' });
  });

  it('rejects an authorization of another amount than the total', () => {
    const error = given(placed()).when(authorizePayment({ amount: total - 1 })).thenThrows('amount-mismatch');
    expect(error.kind).toBe('conflict');
    expect(error.path).toBe('amount');
  });

  it('records a failed payment', () => {
    given(placed()).when(failPayment()).then([emitted.paymentFailed()]).andState({ status: 'PAYMENT_FAILED' });
  });

  it('rejects a capture because the payment is not authorized', () => {
    given(placed()).when(capturePayment()).thenThrows('payment-not-authorized');
  });

  it('rejects shipping because the order is not paid', () => {
    given(placed()).when(dispatchShipment()).thenThrows('order-not-paid');
  });

  it('rejects a checkpoint because the order is not shipped', () => {
    given(placed()).when(recordCheckpoint()).thenThrows('order-not-shipped');
  });

  it('rejects delivery because the order is not shipped', () => {
    given(placed()).when(deliverOrder()).thenThrows('order-not-shipped');
  });

  it('cancels without voiding anything, as nothing was authorized', () => {
    given(placed())
      .when(cancelOrder())
      .then([emitted.orderCancelled(false)])
      .andState({ status: 'CANCELLED' });
  });

  it('rejects a refund because no payment was captured', () => {
    given(placed()).when(refundPayment()).thenThrows('payment-not-captured');
  });
});
