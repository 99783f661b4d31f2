import type {
  AuthorizePayment,
  CancelOrder,
  CancelUnpaidOrder,
  CapturePayment,
  DeliverOrder,
  DispatchShipment,
  FailPayment,
  OrderCommand,
  PlaceOrder,
  RecordCheckpoint,
  RefundPayment,
} from './commands';
import type { LifecycleCommandType } from './commands';
import { DomainError } from './errors';
import type { OrderEvent } from './events';
import { assertAmount, assertCurrency, orderTotal, pastInstant } from './invariants';
import { assertAllowed } from './lifecycle';
import { isPlaced, refundableAmount, type OrderState, type PlacedOrder } from './state';
import { assertNever } from './values';
import { revertOrder } from './revert';

/**
 * Pure: the same command and state always give the same events. Checks run in the order the
 * HTTP edge would answer: the command's own values (400), then existence and lifecycle (404,
 * 409), then amounts measured against the order (409).
 */
export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'AuthorizePayment':
      return authorizePayment(command, state);
    case 'FailPayment':
      return failPayment(command, state);
    case 'CapturePayment':
      return capturePayment(command, state);
    case 'DispatchShipment':
      return dispatchShipment(command, state);
    case 'RecordCheckpoint':
      return recordCheckpoint(command, state);
    case 'DeliverOrder':
      return deliverOrder(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'RefundPayment':
      return refundPayment(command, state);
    case 'CancelUnpaidOrder':
      return cancelUnpaidOrder(command, state);
    case 'RevertOrder':
      if (!isPlaced(state)) throw new DomainError('order-not-found', 'The order does not exist.');
      return revertOrder(command, state);
    default:
      return assertNever(command, 'command');
  }
}

function placeOrder({ data, metadata }: PlaceOrder, state: OrderState): OrderEvent[] {
  assertCurrency(data.currency);
  const total = orderTotal(data.items);
  assertAllowed('PlaceOrder', state.status);
  return [
    {
      type: 'OrderPlaced',
      schemaVersion: 2,
      data: {
        orderId: metadata.orderId,
        customerId: data.customerId,
        currency: data.currency,
        items: data.items.map((item) => ({ ...item })),
        total,
        shippingAddress: { ...data.shippingAddress },
        channel: data.channel,
        orderNumber: data.orderNumber,
      },
      occurredAt: metadata.now,
    },
  ];
}

function authorizePayment({ data, metadata }: AuthorizePayment, state: OrderState): OrderEvent[] {
  assertAmount(data.amount, { positive: false });
  const order = existingOrder('AuthorizePayment', state);
  if (data.amount !== order.total) {
    throw new DomainError(
      'amount-mismatch',
      `The authorized amount ${data.amount} differs from the order total ${order.total} ${order.currency}.`,
      { path: 'amount' },
    );
  }
  const paymentId = data.paymentId === undefined ? {} : { paymentId: data.paymentId };
  return [
    {
      type: 'PaymentAuthorized',
      schemaVersion: 1,
      data: { orderId: order.orderId, amount: data.amount, method: data.method, ...paymentId },
      occurredAt: metadata.now,
    },
  ];
}

function failPayment({ data, metadata }: FailPayment, state: OrderState): OrderEvent[] {
  const order = existingOrder('FailPayment', state);
  const method = data.method === undefined ? {} : { method: data.method };
  return [
    {
      type: 'PaymentFailed',
      schemaVersion: 1,
      data: { orderId: order.orderId, reason: data.reason, ...method },
      occurredAt: metadata.now,
    },
  ];
}

function capturePayment({ metadata }: CapturePayment, state: OrderState): OrderEvent[] {
  const order = existingOrder('CapturePayment', state);
  return [
    {
      type: 'PaymentCaptured',
      schemaVersion: 1,
      data: { orderId: order.orderId, amount: order.authorized },
      occurredAt: metadata.now,
    },
  ];
}

function dispatchShipment({ data, metadata }: DispatchShipment, state: OrderState): OrderEvent[] {
  const order = existingOrder('DispatchShipment', state);
  return [
    {
      type: 'ShipmentDispatched',
      schemaVersion: 1,
      data: {
        orderId: order.orderId,
        carrier: data.carrier,
        trackingNumber: data.trackingNumber,
        warehouse: data.warehouse,
      },
      occurredAt: metadata.now,
    },
  ];
}

function recordCheckpoint({ data, metadata }: RecordCheckpoint, state: OrderState): OrderEvent[] {
  // Warehouse scans arrive late and out of order (API.md): any past time is fine.
  const occurredAt = pastInstant(data.occurredAt, metadata.now, 'occurredAt');
  const order = existingOrder('RecordCheckpoint', state);
  return [
    {
      type: 'ShipmentCheckpointRecorded',
      schemaVersion: 1,
      data: { orderId: order.orderId, location: data.location, kind: data.kind, occurredAt },
      occurredAt,
    },
  ];
}

function deliverOrder({ data, metadata }: DeliverOrder, state: OrderState): OrderEvent[] {
  const occurredAt =
    data.occurredAt === undefined ? metadata.now : pastInstant(data.occurredAt, metadata.now, 'occurredAt');
  const order = existingOrder('DeliverOrder', state);
  const receivedBy = data.receivedBy === undefined ? {} : { receivedBy: data.receivedBy };
  return [{ type: 'OrderDelivered', schemaVersion: 1, data: { orderId: order.orderId, ...receivedBy }, occurredAt }];
}

function cancelOrder({ data, metadata }: CancelOrder, state: OrderState): OrderEvent[] {
  const order = existingOrder('CancelOrder', state);
  const cancelled: OrderEvent = {
    type: 'OrderCancelled',
    schemaVersion: 1,
    data: { orderId: order.orderId, reason: data.reason, authorizationVoided: order.status === 'PAYMENT_AUTHORIZED' },
    occurredAt: metadata.now,
  };
  const owed = refundableAmount(order);
  // Cancelling a paid order gives the customer back whatever is still captured.
  if (order.status !== 'PAID' || owed === 0) return [cancelled];
  return [
    cancelled,
    {
      type: 'PaymentRefunded',
      schemaVersion: 1,
      data: { orderId: order.orderId, amount: owed, reason: data.reason, full: true },
      occurredAt: metadata.now,
    },
  ];
}

function cancelUnpaidOrder({ data, metadata }: CancelUnpaidOrder, state: OrderState): OrderEvent[] {
  const order = existingOrder('CancelUnpaidOrder', state);
  return [{ type: 'OrderCancelled', schemaVersion: 1, data: { orderId: order.orderId, reason: data.reason, authorizationVoided: false }, occurredAt: metadata.now }];
}

function refundPayment({ data, metadata }: RefundPayment, state: OrderState): OrderEvent[] {
  assertAmount(data.amount, { positive: true });
  const order = existingOrder('RefundPayment', state);
  const refundable = refundableAmount(order);
  if (data.amount > refundable) {
    throw new DomainError(
      'refund-exceeds-captured',
      `Cannot refund ${data.amount}: only ${refundable} ${order.currency} of the captured amount is left to refund.`,
      { path: 'amount' },
    );
  }
  return [
    {
      type: 'PaymentRefunded',
      schemaVersion: 1,
      data: { orderId: order.orderId, amount: data.amount, reason: data.reason, full: data.amount === refundable },
      occurredAt: metadata.now,
    },
  ];
}

/** Applies the lifecycle table; every command but PlaceOrder needs a placed order. */
function existingOrder(command: Exclude<LifecycleCommandType, 'PlaceOrder'>, state: OrderState): PlacedOrder {
  assertAllowed(command, state.status);
  if (!isPlaced(state)) throw new DomainError('order-not-found', 'The order does not exist.');
  return state;
}
