import type { LifecycleCommandType } from './commands';
import { DomainError, type DomainRule } from './errors';
import { orderStatuses, type OrderStatus } from './state';

/**
 * API.md "Order lifecycle" as data. decide consults it before anything else a command does, so
 * the table and the decider cannot disagree, and the HTTP suites can iterate every cell.
 * An allowed cell lists the statuses the order may end in (refunds: partial or full).
 */
export type LifecycleCell =
  | { readonly allowed: true; readonly resultingStatuses: readonly OrderStatus[] }
  | { readonly allowed: false; readonly rule: DomainRule };

/** `null` is the column "before placing": the stream has no events yet. */
export type LifecycleStatus = OrderStatus | null;

const to = (...resultingStatuses: OrderStatus[]): LifecycleCell => ({ allowed: true, resultingStatuses });
const no = (rule: DomainRule): LifecycleCell => ({ allowed: false, rule });

const notFound = no('order-not-found');
const cancelled = no('order-cancelled');
const refunded = no('order-refunded');
const shipped = no('order-already-shipped');
const delivered = no('order-already-delivered');

type Row = Readonly<Record<OrderStatus, LifecycleCell>>;

/** The commands that act on an unpaid order (authorize, fail, the deadline's cancel) refuse alike from an authorized payment on. */
const oncePaymentAuthorized = {
  PAYMENT_AUTHORIZED: no('payment-already-authorized'),
  PAID: no('payment-already-captured'),
  SHIPPED: shipped,
  DELIVERED: delivered,
  CANCELLED: cancelled,
  REFUNDED: refunded,
} satisfies Partial<Row>;

export const orderLifecycle: Readonly<Record<LifecycleCommandType, { beforePlacing: LifecycleCell } & Row>> = {
  PlaceOrder: {
    beforePlacing: to('PLACED'),
    ...(Object.fromEntries(orderStatuses.map((status) => [status, no('order-already-exists')])) as Row),
  },
  AuthorizePayment: {
    beforePlacing: notFound,
    PLACED: to('PAYMENT_AUTHORIZED'),
    PAYMENT_FAILED: to('PAYMENT_AUTHORIZED'),
    ...oncePaymentAuthorized,
  },
  FailPayment: {
    beforePlacing: notFound,
    PLACED: to('PAYMENT_FAILED'),
    PAYMENT_FAILED: to('PAYMENT_FAILED'),
    ...oncePaymentAuthorized,
  },
  CapturePayment: {
    beforePlacing: notFound,
    PLACED: no('payment-not-authorized'),
    PAYMENT_FAILED: no('payment-not-authorized'),
    PAYMENT_AUTHORIZED: to('PAID'),
    PAID: no('payment-already-captured'),
    SHIPPED: shipped,
    DELIVERED: delivered,
    CANCELLED: cancelled,
    REFUNDED: refunded,
  },
  DispatchShipment: {
    beforePlacing: notFound,
    PLACED: no('order-not-paid'),
    PAYMENT_FAILED: no('order-not-paid'),
    PAYMENT_AUTHORIZED: no('order-not-paid'),
    PAID: to('SHIPPED'),
    SHIPPED: shipped,
    DELIVERED: delivered,
    CANCELLED: cancelled,
    REFUNDED: refunded,
  },
  RecordCheckpoint: {
    beforePlacing: notFound,
    PLACED: no('order-not-shipped'),
    PAYMENT_FAILED: no('order-not-shipped'),
    PAYMENT_AUTHORIZED: no('order-not-shipped'),
    PAID: no('order-not-shipped'),
    SHIPPED: to('SHIPPED'),
    DELIVERED: delivered,
    CANCELLED: cancelled,
    REFUNDED: refunded,
  },
  DeliverOrder: {
    beforePlacing: notFound,
    PLACED: no('order-not-shipped'),
    PAYMENT_FAILED: no('order-not-shipped'),
    PAYMENT_AUTHORIZED: no('order-not-shipped'),
    PAID: no('order-not-shipped'),
    SHIPPED: to('DELIVERED'),
    DELIVERED: delivered,
    CANCELLED: cancelled,
    REFUNDED: refunded,
  },
  CancelOrder: {
    beforePlacing: notFound,
    PLACED: to('CANCELLED'),
    PAYMENT_FAILED: to('CANCELLED'),
    PAYMENT_AUTHORIZED: to('CANCELLED'),
    PAID: to('CANCELLED'),
    SHIPPED: shipped,
    DELIVERED: delivered,
    CANCELLED: cancelled,
    REFUNDED: refunded,
  },
  RefundPayment: {
    beforePlacing: notFound,
    PLACED: no('payment-not-captured'),
    PAYMENT_FAILED: no('payment-not-captured'),
    PAYMENT_AUTHORIZED: no('payment-not-captured'),
    PAID: to('PAID', 'REFUNDED'),
    SHIPPED: to('SHIPPED'),
    DELIVERED: to('DELIVERED', 'REFUNDED'),
    CANCELLED: cancelled,
    REFUNDED: refunded,
  },
  // Not an HTTP command: the payment deadline's (API.md "Deadlines"). Unlike CancelOrder it
  // refuses once a payment is authorized: a late deadline must never undo a sale.
  CancelUnpaidOrder: {
    beforePlacing: notFound,
    PLACED: to('CANCELLED'),
    PAYMENT_FAILED: to('CANCELLED'),
    ...oncePaymentAuthorized,
  },
};

export function lifecycleCell(command: LifecycleCommandType, status: LifecycleStatus): LifecycleCell {
  const row = orderLifecycle[command];
  return status === null ? row.beforePlacing : row[status];
}

export function allowedCommands(status: LifecycleStatus): LifecycleCommandType[] {
  return (Object.keys(orderLifecycle) as LifecycleCommandType[]).filter(
    (command) => lifecycleCell(command, status).allowed,
  );
}

const attempts: Record<LifecycleCommandType, string> = {
  PlaceOrder: 'place the order',
  AuthorizePayment: 'authorize the payment',
  FailPayment: 'record a failed payment',
  CapturePayment: 'capture the payment',
  DispatchShipment: 'ship the order',
  RecordCheckpoint: 'record a shipment checkpoint',
  DeliverOrder: 'deliver the order',
  CancelOrder: 'cancel the order',
  RefundPayment: 'refund the payment',
  CancelUnpaidOrder: 'cancel the unpaid order',
};

const reasons: Partial<Record<DomainRule, string>> = {
  'order-not-found': 'the order does not exist',
  'order-already-exists': 'an order with this id already exists',
  'payment-already-authorized': 'the payment is already authorized',
  'payment-not-authorized': 'the payment is not authorized',
  'payment-already-captured': 'the payment is already captured',
  'payment-not-captured': 'no payment has been captured',
  'order-not-paid': 'the order is not paid',
  'order-not-shipped': 'the order has not been shipped',
  'order-already-shipped': 'the order has already been shipped',
  'order-already-delivered': 'the order has already been delivered',
  'order-cancelled': 'the order is cancelled',
  'order-refunded': 'the order has been refunded in full',
};

/** Throws the cell's DomainError when the command is not allowed in this status. */
export function assertAllowed(command: LifecycleCommandType, status: LifecycleStatus): void {
  const cell = lifecycleCell(command, status);
  if (cell.allowed) return;
  const where = status === null ? '' : ` (status ${status})`;
  throw new DomainError(cell.rule, `Cannot ${attempts[command]}: ${reasons[cell.rule] ?? cell.rule}${where}.`);
}
