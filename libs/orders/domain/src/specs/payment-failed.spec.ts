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

describe('an order in PAYMENT_FAILED', () => {
  const failed = historyIn.PAYMENT_FAILED;

  it('rejects placing it again because it already exists', () => {
    given(failed()).when(placeOrder()).thenThrows('order-already-exists');
  });

  it('authorizes a retried payment of the total', () => {
    given(failed())
      .when(authorizePayment())
      .then([emitted.paymentAuthorized()])
      .andState({ status: 'PAYMENT_AUTHORIZED', authorized: total });
  });

  it('rejects a retried authorization of another amount', () => {
    given(failed()).when(authorizePayment({ amount: total + 1 })).thenThrows('amount-mismatch');
  });

  it('records another failed payment and stays failed', () => {
    given(failed()).when(failPayment()).then([emitted.paymentFailed()]).andState({ status: 'PAYMENT_FAILED' });
  });

  it('records a failure without a method', () => {
    const { method: _method, ...data } = emitted.paymentFailed().data;
    given(failed())
      .when(failPayment({ method: undefined }))
      .then([{ ...emitted.paymentFailed(), data }]);
  });

  it('rejects a capture because the payment is not authorized', () => {
    given(failed()).when(capturePayment()).thenThrows('payment-not-authorized');
  });

  it('rejects shipping because the order is not paid', () => {
    given(failed()).when(dispatchShipment()).thenThrows('order-not-paid');
  });

  it('rejects a checkpoint because the order is not shipped', () => {
    given(failed()).when(recordCheckpoint()).thenThrows('order-not-shipped');
  });

  it('rejects delivery because the order is not shipped', () => {
    given(failed()).when(deliverOrder()).thenThrows('order-not-shipped');
  });

  it('cancels without voiding anything', () => {
    given(failed()).when(cancelOrder()).then([emitted.orderCancelled(false)]).andState({ status: 'CANCELLED' });
  });

  it('rejects a refund because no payment was captured', () => {
    given(failed()).when(refundPayment()).thenThrows('payment-not-captured');
  });
});
