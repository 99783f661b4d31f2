import { cancelUnpaidOrder, emitted, given, historyIn } from './support/order-fixtures';

/** The payment deadline's command (API.md "Deadlines"): the decider, not the timer, decides. */
describe('cancelling an order whose payment deadline ran out', () => {
  it('cancels a PLACED order with the reason it was given', () => {
    given(historyIn.PLACED())
      .when(cancelUnpaidOrder())
      .then([{ ...emitted.orderCancelled(false), data: { ...emitted.orderCancelled(false).data, reason: 'payment-timeout' } }])
      .andState({ status: 'CANCELLED' });
  });

  it('cancels an order whose payment failed', () => {
    given(historyIn.PAYMENT_FAILED()).when(cancelUnpaidOrder()).then([{ ...emitted.orderCancelled(false), data: { ...emitted.orderCancelled(false).data, reason: 'payment-timeout' } }]);
  });

  it('refuses once a payment was authorized, even though a customer could still cancel', () => {
    given(historyIn.PAYMENT_AUTHORIZED()).when(cancelUnpaidOrder()).thenThrows('payment-already-authorized');
    given(historyIn.PAID()).when(cancelUnpaidOrder()).thenThrows('payment-already-captured');
  });

  it('refuses a second cancellation, so a repeated deadline appends nothing', () => {
    given(historyIn.CANCELLED()).when(cancelUnpaidOrder()).thenThrows('order-cancelled');
  });
});
