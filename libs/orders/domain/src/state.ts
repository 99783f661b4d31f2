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

export interface PlacedOrder {
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
