import type { OrderEvent } from './events';
import { isPlaced, type OrderState, type OrderStatus, type PlacedOrder } from './state';
import { assertNever } from './values';

/**
 * Folds one stored event into the state. Events are facts that decide already checked, so
 * evolve does not re-check rules; it never reads a clock, so a replay builds the same state.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const { orderId, customerId, currency, total } = event.data;
    return {
      status: 'PLACED',
      orderId,
      customerId,
      currency,
      total,
      authorized: 0,
      captured: 0,
      refunded: 0,
      placedAt: event.occurredAt,
    };
  }
  // A stream that does not begin with OrderPlaced is not an order; the integrity check (not
  // evolve) is where a broken stream is reported, so replays never stop half-way here.
  if (!isPlaced(state)) return state;
  return evolvePlaced(state, event);
}

function evolvePlaced(order: PlacedOrder, event: Exclude<OrderEvent, { type: 'OrderPlaced' }>): PlacedOrder {
  switch (event.type) {
    case 'PaymentAuthorized':
      return { ...order, status: 'PAYMENT_AUTHORIZED', authorized: event.data.amount, paymentMethod: event.data.method };
    case 'PaymentFailed':
      return { ...order, status: 'PAYMENT_FAILED' };
    case 'PaymentCaptured':
      return { ...order, status: 'PAID', captured: event.data.amount };
    case 'ShipmentDispatched':
      return { ...order, status: 'SHIPPED' };
    case 'ShipmentCheckpointRecorded':
      return order;
    case 'OrderDelivered':
      return { ...order, status: 'DELIVERED' };
    case 'OrderCancelled':
      return { ...order, status: 'CANCELLED' };
    case 'PaymentRefunded': {
      const refunded = order.refunded + event.data.amount;
      return { ...order, refunded, status: statusAfterRefund(order.status, refunded === order.captured) };
    }
    default:
      return assertNever(event, 'event');
  }
}

/**
 * A full refund ends a paid or delivered order; a shipped or cancelled one keeps its status.
 * The one statement of the rule (issue 11): views and test models ask it instead of restating it.
 */
export function statusAfterRefund(status: OrderStatus, fullyRefunded: boolean): OrderStatus {
  return fullyRefunded && (status === 'PAID' || status === 'DELIVERED') ? 'REFUNDED' : status;
}
