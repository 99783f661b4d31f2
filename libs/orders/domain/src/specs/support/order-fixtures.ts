import type { CommandMetadata, LifecycleCommandType, OrderCommand, OrderCommandType } from '../../commands';
import { orderDecider } from '../../decider';
import type { OrderEvent } from '../../events';
import type { OrderStatus } from '../../state';
import type { OrderItem, ShippingAddress } from '../../values';
import { DeciderSpecification } from './decider-specification';

type Command<T extends OrderCommandType> = Extract<OrderCommand, { type: T }>;
type Event<T extends OrderEvent['type']> = Extract<OrderEvent, { type: T }>;
type Data<T extends OrderCommandType> = Partial<Command<T>['data']>;

export const given = DeciderSpecification.for(orderDecider);

export const orderId = '6f1c2a64-3f0e-4a0b-9d6c-5b8f0e2d4a11';
export const now = '2025-03-01T10:00:00.000Z';
export const earlier = '2025-03-01T09:00:00.000Z';
export const metadata: CommandMetadata = { now, actor: 'operator-key', orderId };

export const items: OrderItem[] = [
  { sku: 'MUG-01', name: 'Mug', quantity: 2, unitPrice: 1250 },
  { sku: 'TEA-07', quantity: 1, unitPrice: 499 },
];
export const total = 2 * 1250 + 499;
export const orderNumber = 'OS-2026-000042';
export const shippingAddress: ShippingAddress = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

function command<T extends OrderCommandType>(type: T, data: Command<T>['data']): Command<T> {
  return { type, data, metadata } as Command<T>;
}

export const placeOrder = (data: Data<'PlaceOrder'> = {}) =>
  command('PlaceOrder', { customerId: 'cust-42', currency: 'EUR', items, shippingAddress, channel: 'web', orderNumber, ...data });
export const authorizePayment = (data: Data<'AuthorizePayment'> = {}) =>
  command('AuthorizePayment', { amount: total, method: 'card', paymentId: 'pay-1', ...data });
export const failPayment = (data: Data<'FailPayment'> = {}) =>
  command('FailPayment', { reason: 'card declined', method: 'card', ...data });
export const capturePayment = () => command('CapturePayment', {});
export const dispatchShipment = (data: Data<'DispatchShipment'> = {}) =>
  command('DispatchShipment', { carrier: 'DHL', trackingNumber: 'JD0001', warehouse: 'AMS-1', ...data });
export const recordCheckpoint = (data: Data<'RecordCheckpoint'> = {}) =>
  command('RecordCheckpoint', { location: 'Utrecht hub', kind: 'arrived', occurredAt: earlier, ...data });
export const deliverOrder = (data: Data<'DeliverOrder'> = {}) => command('DeliverOrder', { ...data });
export const cancelOrder = (data: Data<'CancelOrder'> = {}) =>
  command('CancelOrder', { reason: 'changed my mind', ...data });
export const cancelUnpaidOrder = (data: Data<'CancelUnpaidOrder'> = {}) =>
  command('CancelUnpaidOrder', { reason: 'payment-timeout', ...data });
export const revertOrder = (toVersion: number, reason = 'scanned by mistake') => command('RevertOrder', { toVersion, reason });
export const refundPayment = (data: Data<'RefundPayment'> = {}) =>
  command('RefundPayment', { amount: 500, reason: 'damaged item', ...data });

/** A valid command of each type, for the table-driven specs. */
export const aValidCommand: Record<LifecycleCommandType, () => OrderCommand> = {
  PlaceOrder: placeOrder,
  AuthorizePayment: authorizePayment,
  FailPayment: failPayment,
  CapturePayment: capturePayment,
  DispatchShipment: dispatchShipment,
  RecordCheckpoint: recordCheckpoint,
  DeliverOrder: deliverOrder,
  CancelOrder: cancelOrder,
  RefundPayment: refundPayment,
  CancelUnpaidOrder: cancelUnpaidOrder,
};

function event<T extends OrderEvent['type']>(type: T, data: Omit<Event<T>['data'], 'orderId'>, at = now): Event<T> {
  // TypeScript cannot relate a spread over a generic Omit back to the union member.
  return { type, schemaVersion: type === 'OrderPlaced' ? 2 : 1, data: { orderId, ...data }, occurredAt: at } as unknown as Event<T>;
}

export const orderPlaced = () =>
  event('OrderPlaced', { customerId: 'cust-42', currency: 'EUR', items, total, shippingAddress, channel: 'web', orderNumber }, earlier);
export const paymentAuthorized = (amount = total) =>
  event('PaymentAuthorized', { amount, method: 'card', paymentId: 'pay-1' }, earlier);
export const paymentFailed = () => event('PaymentFailed', { reason: 'card declined', method: 'card' }, earlier);
export const paymentCaptured = (amount = total) => event('PaymentCaptured', { amount }, earlier);
export const shipmentDispatched = () =>
  event('ShipmentDispatched', { carrier: 'DHL', trackingNumber: 'JD0001', warehouse: 'AMS-1' }, earlier);
export const checkpointRecorded = (at = earlier) =>
  event('ShipmentCheckpointRecorded', { location: 'Utrecht hub', kind: 'arrived', occurredAt: at }, at);
export const orderDelivered = () => event('OrderDelivered', {}, earlier);
export const orderCancelled = (authorizationVoided = false) =>
  event('OrderCancelled', { reason: 'changed my mind', authorizationVoided }, earlier);
export const paymentRefunded = (amount: number, full = false) =>
  event('PaymentRefunded', { amount, reason: 'damaged item', full }, earlier);

const paid = () => [orderPlaced(), paymentAuthorized(), paymentCaptured()];

/** The shortest history that leaves the order in each status. */
export const historyIn: Record<OrderStatus, () => OrderEvent[]> = {
  PLACED: () => [orderPlaced()],
  PAYMENT_FAILED: () => [orderPlaced(), paymentFailed()],
  PAYMENT_AUTHORIZED: () => [orderPlaced(), paymentAuthorized()],
  PAID: paid,
  SHIPPED: () => [...paid(), shipmentDispatched()],
  DELIVERED: () => [...paid(), shipmentDispatched(), orderDelivered()],
  CANCELLED: () => [orderPlaced(), orderCancelled()],
  REFUNDED: () => [...paid(), paymentRefunded(total, true)],
};

/** The events decide emits at `now`, for building expectations. */
export const emitted = {
  paymentAuthorized: () => ({ ...paymentAuthorized(), occurredAt: now }),
  paymentFailed: () => ({ ...paymentFailed(), occurredAt: now }),
  paymentCaptured: () => ({ ...paymentCaptured(), occurredAt: now }),
  shipmentDispatched: () => ({ ...shipmentDispatched(), occurredAt: now }),
  orderDelivered: (data: { receivedBy?: string } = {}, at = now) => event('OrderDelivered', data, at),
  orderCancelled: (authorizationVoided: boolean) => ({ ...orderCancelled(authorizationVoided), occurredAt: now }),
  paymentRefunded: (amount: number, full: boolean, reason = 'damaged item') =>
    event('PaymentRefunded', { amount, reason, full }),
} satisfies Record<string, (...args: never[]) => OrderEvent>;
