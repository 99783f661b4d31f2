import type { OrderEventType } from './events';
import type { Money, PaymentMethod } from './values';

/** The eight statuses of API.md "Order lifecycle", in table column order. */
export const orderStatuses = [
  'PLACED',
  'PAYMENT_FAILED',
  'PAYMENT_AUTHORIZED',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** The stream has no events yet: only PlaceOrder is allowed. */
export interface UnplacedOrder {
  readonly status: null;
}

/** What the order is at one version: everything of PlacedOrder but its version history. */
export interface OrderFacts {
  readonly status: OrderStatus;
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly total: Money;
  /** Amount of the last authorization; 0 while none. */
  readonly authorized: Money;
  readonly captured: Money;
  readonly refunded: Money;
  readonly paymentMethod?: PaymentMethod;
  /** Request time of the OrderPlaced event. */
  readonly placedAt: string;
}

/** One version of the order's stream, as a revert needs it (revert.ts). */
export interface OrderVersion {
  readonly version: number;
  readonly type: OrderEventType;
  /** The version of the OrderReverted that voided this one; absent while it counts. */
  readonly voidedBy?: number;
  /** The order as it stood after this version. */
  readonly after: OrderFacts;
}

export interface PlacedOrder extends OrderFacts {
  /** The stream's version: how many events were folded (OrderReverted included). */
  readonly version: number;
  /**
   * Every version, oldest first (index = version - 1). Kept in the state so that decide and
   * evolve stay pure functions of (state, command/event) and a revert can restore a past
   * version without reading the store (an order has tens of events, not thousands).
   */
  readonly versions: readonly OrderVersion[];
}

/** Discriminated on `status`: `null` before the order is placed. */
export type OrderState = UnplacedOrder | PlacedOrder;

export const initialState: OrderState = Object.freeze({ status: null });

export function isPlaced(state: OrderState): state is PlacedOrder {
  return state.status !== null;
}

/** What may still be refunded: captured minus already refunded. */
export function refundableAmount(state: PlacedOrder): Money {
  return state.captured - state.refunded;
}
