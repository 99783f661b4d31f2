import type { OrderEvent, OrderReverted } from './events';
import { isPlaced, type OrderFacts, type OrderState, type OrderStatus, type PlacedOrder } from './state';
import { assertNever } from './values';

/**
 * Folds one stored event into the state. Events are facts that decide already checked, so
 * evolve does not re-check rules; it never reads a clock, so a replay builds the same state.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const { orderId, customerId, currency, total } = event.data;
    const facts: OrderFacts = {
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
    return { ...facts, version: 1, versions: [{ version: 1, type: event.type, after: facts }] };
  }
  // A stream that does not begin with OrderPlaced is not an order; the integrity check (not
  // evolve) is where a broken stream is reported, so replays never stop half-way here.
  if (!isPlaced(state)) return state;
  if (event.type === 'OrderReverted') return reverted(state, event);
  const facts = evolveFacts(factsOf(state), event);
  const version = state.version + 1;
  return { ...facts, version, versions: [...state.versions, { version, type: event.type, after: facts }] };
}

/**
 * The order as it stood at `toVersion`, one version further on; the voided versions are marked
 * with the revert's version. decide (revert.ts) already checked that `toVersion` still counts,
 * so the facts recorded at it are the fold of exactly the events that count up to there.
 */
function reverted(order: PlacedOrder, event: OrderReverted): PlacedOrder {
  const version = order.version + 1;
  const target = order.versions[event.data.toVersion - 1];
  // A stored revert to a version this stream never had is a broken stream, not a revert: as for
  // other broken streams, the integrity check reports it and the fold keeps going unchanged.
  const facts = target ? target.after : factsOf(order);
  const voided = new Set(event.data.voidedVersions);
  const versions = order.versions.map((entry) => (voided.has(entry.version) && entry.voidedBy === undefined ? { ...entry, voidedBy: version } : entry));
  return { ...facts, version, versions: [...versions, { version, type: event.type, after: facts }] };
}

function factsOf(order: PlacedOrder): OrderFacts {
  const { version: _version, versions: _versions, ...facts } = order;
  return facts;
}

function evolveFacts(order: OrderFacts, event: Exclude<OrderEvent, { type: 'OrderPlaced' | 'OrderReverted' }>): OrderFacts {
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
