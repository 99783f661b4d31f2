import {
  authorizePayment,
  cancelOrder,
  capturePayment,
  checkpointRecorded,
  deliverOrder,
  dispatchShipment,
  earlier,
  emitted,
  failPayment,
  given,
  historyIn,
  orderId,
  paymentRefunded,
  placeOrder,
  recordCheckpoint,
  refundPayment,
  total,
} from './support/order-fixtures';

describe('an order in SHIPPED', () => {
  const shipped = historyIn.SHIPPED;

  it('rejects placing it again because it already exists', () => {
    given(shipped()).when(placeOrder()).thenThrows('order-already-exists');
  });

  it('rejects an authorization because the order is already shipped', () => {
    given(shipped()).when(authorizePayment()).thenThrows('order-already-shipped');
  });

  it('rejects a payment failure because the order is already shipped', () => {
    given(shipped()).when(failPayment()).thenThrows('order-already-shipped');
  });

  it('rejects a capture because the order is already shipped', () => {
    given(shipped()).when(capturePayment()).thenThrows('order-already-shipped');
  });

  it('rejects shipping it twice', () => {
    given(shipped()).when(dispatchShipment()).thenThrows('order-already-shipped');
  });

  it('records a checkpoint at the time the warehouse gives and stays shipped', () => {
    given(shipped())
      .when(recordCheckpoint())
      .then([checkpointRecorded(earlier)])
      .andState({ status: 'SHIPPED' });
  });

  it('records a checkpoint older than one already recorded, as scans arrive late', () => {
    const later = '2025-03-01T09:30:00.000Z';
    given([...shipped(), checkpointRecorded(later)])
      .when(recordCheckpoint({ occurredAt: earlier }))
      .then([checkpointRecorded(earlier)]);
  });

  it('stores the checkpoint time in UTC with milliseconds', () => {
    given(shipped())
      .when(recordCheckpoint({ occurredAt: '2025-03-01T11:04:59+01:00' }))
      .then([checkpointRecorded('2025-03-01T10:04:59.000Z')]);
  });

  it('accepts a checkpoint exactly 5 minutes after the request time', () => {
    given(shipped())
      .when(recordCheckpoint({ occurredAt: '2025-03-01T10:05:00.000Z' }))
      .then([checkpointRecorded('2025-03-01T10:05:00.000Z')]);
  });

  it('rejects a checkpoint more than 5 minutes in the future as invalid', () => {
    const error = given(shipped())
      .when(recordCheckpoint({ occurredAt: '2025-03-01T10:05:00.001Z' }))
      .thenThrows('occurred-at-in-future');
    expect(error.kind).toBe('invalid');
    expect(error.path).toBe('occurredAt');
  });

  it('rejects a checkpoint time that is not an ISO 8601 date-time', () => {
    given(shipped()).when(recordCheckpoint({ occurredAt: 'yesterday' })).thenThrows('invalid-timestamp');
    given(shipped()).when(recordCheckpoint({ occurredAt: '2025-03-01' })).thenThrows('invalid-timestamp');
  });

  it('delivers the order at the request time', () => {
    given(shipped()).when(deliverOrder()).then([emitted.orderDelivered()]).andState({ status: 'DELIVERED' });
  });

  it('delivers the order at the time given, naming who received it', () => {
    given(shipped())
      .when(deliverOrder({ occurredAt: earlier, receivedBy: 'neighbour' }))
      .then([{ type: 'OrderDelivered', schemaVersion: 1, data: { orderId, receivedBy: 'neighbour' }, occurredAt: earlier }]);
  });

  it('rejects a delivery time more than 5 minutes in the future', () => {
    given(shipped()).when(deliverOrder({ occurredAt: '2025-03-01T11:00:00.000Z' })).thenThrows('occurred-at-in-future');
  });

  it('rejects a cancellation because the order is already shipped', () => {
    given(shipped()).when(cancelOrder()).thenThrows('order-already-shipped');
  });

  it('refunds part of the payment and stays shipped', () => {
    given(shipped())
      .when(refundPayment({ amount: 500 }))
      .then([emitted.paymentRefunded(500, false)])
      .andState({ status: 'SHIPPED', refunded: 500 });
  });

  it('refunds the whole payment and still stays shipped', () => {
    given(shipped())
      .when(refundPayment({ amount: total }))
      .then([emitted.paymentRefunded(total, true)])
      .andState({ status: 'SHIPPED', refunded: total });
  });

  it('rejects a refund once everything captured has been refunded', () => {
    given([...shipped(), paymentRefunded(total, true)])
      .when(refundPayment({ amount: 1 }))
      .thenThrows('refund-exceeds-captured');
  });

});
