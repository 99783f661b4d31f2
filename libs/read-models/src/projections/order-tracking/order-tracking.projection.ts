/**
 * The order-tracking view (API.md GET /orders/{id}): status, money, payment and shipment
 * summaries and the status timeline. Checkpoints do not change the order's status; the
 * shipment's `lastCheckpoint` is the latest by `at` (scans arrive late and out of order).
 */
import type { JsonObject, RecordedEvent } from '@ordersource/event-store';
import type { OrderChannel, OrderItem, OrderStatus } from '@ordersource/domain';
import { dataOf, type Projection, type ProjectionStep } from '../projection';
import { orderIdOf, statusAfterRefund } from '@ordersource/domain';
import type { ViewDefinition } from '../../store/read-store.port';

export type PaymentStatus = 'PENDING' | 'FAILED' | 'AUTHORIZED' | 'VOIDED' | 'CAPTURED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
export type ShipmentStatus = 'PENDING' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'EXCEPTION' | 'DELIVERED';

export interface CheckpointSummary {
  location: string;
  kind: string;
  at: string;
}

export interface OrderTrackingDocument {
  orderId: string;
  /** `OS-<year>-<n>`; null for orders placed before numbers existed (OrderPlaced v1). */
  orderNumber: string | null;
  customerId: string;
  /** OrderPlaced v2's channel (v1 events read as `web`). */
  channel: OrderChannel;
  status: OrderStatus;
  currency: string;
  items: OrderItem[];
  total: number;
  payment: { status: PaymentStatus; method: string | null; authorized: number; captured: number; refunded: number };
  shipment: { status: ShipmentStatus; carrier: string | null; trackingNumber: string | null; lastCheckpoint: CheckpointSummary | null };
  timeline: { status: OrderStatus; at: string }[];
  placedAt: string;
  updatedAt: string;
  version: number;
}

export const orderTrackingView: ViewDefinition = {
  name: 'order-tracking',
  head: {
    name: 'order-tracking',
    fields: { customerId: 'string', status: 'string', placedAt: 'string', orderNumber: 'string' },
    // GET /orders: newest first by (placedAt, orderId), optionally per customer and status;
    // GET /orders/by-number/{n} and ?orderNumber=: one order by its number.
    indexes: [
      { equals: [], sortBy: 'placedAt' },
      { equals: ['customerId'], sortBy: 'placedAt' },
      { equals: ['status'], sortBy: 'placedAt' },
      { equals: ['orderNumber'], sortBy: 'placedAt' },
    ],
  },
  records: [],
};

export const orderTrackingProjection: Projection = {
  name: 'order-tracking',
  view: orderTrackingView,
  evolve: (head, event) =>
    ({ head: evolveTracking(head as unknown as OrderTrackingDocument | null, { ...event, orderId: orderIdOf(event.streamId) }) as unknown as JsonObject | null, records: [] }) satisfies ProjectionStep,
};

/** What the tracking view reads of an event: a stored event and an audit entry both carry it. */
export type TrackedEvent = Pick<RecordedEvent, 'type' | 'version' | 'occurredAt' | 'data'> & { orderId: string };

export function evolveTracking(order: OrderTrackingDocument | null, event: TrackedEvent): OrderTrackingDocument | null {
  if (event.type === 'OrderPlaced') return placed(event);
  // Nothing to track before OrderPlaced: the integrity check reports such a stream, not us.
  if (!order) return null;
  const next = { ...order, version: event.version, updatedAt: event.occurredAt };
  switch (event.type) {
    case 'PaymentAuthorized': {
      const { amount, method } = dataOf(event, 'PaymentAuthorized');
      return moveTo({ ...next, payment: { ...order.payment, status: 'AUTHORIZED', method, authorized: amount } }, 'PAYMENT_AUTHORIZED', event);
    }
    case 'PaymentFailed': {
      const { method } = dataOf(event, 'PaymentFailed');
      return moveTo({ ...next, payment: { ...order.payment, status: 'FAILED', method: method ?? order.payment.method } }, 'PAYMENT_FAILED', event);
    }
    case 'PaymentCaptured': {
      const { amount } = dataOf(event, 'PaymentCaptured');
      return moveTo({ ...next, payment: { ...order.payment, status: 'CAPTURED', captured: order.payment.captured + amount } }, 'PAID', event);
    }
    case 'ShipmentDispatched': {
      const { carrier, trackingNumber } = dataOf(event, 'ShipmentDispatched');
      return moveTo({ ...next, shipment: { ...order.shipment, status: 'IN_TRANSIT', carrier, trackingNumber } }, 'SHIPPED', event);
    }
    case 'ShipmentCheckpointRecorded': {
      const { location, kind, occurredAt: at } = dataOf(event, 'ShipmentCheckpointRecorded');
      const last = order.shipment.lastCheckpoint;
      if (last && last.at > at) return next;
      const status: ShipmentStatus = kind === 'out_for_delivery' ? 'OUT_FOR_DELIVERY' : kind === 'exception' ? 'EXCEPTION' : 'IN_TRANSIT';
      // A late scan never moves a delivered shipment back into transit.
      return { ...next, shipment: { ...order.shipment, status: order.shipment.status === 'DELIVERED' ? 'DELIVERED' : status, lastCheckpoint: { location, kind, at } } };
    }
    case 'OrderDelivered':
      return moveTo({ ...next, shipment: { ...order.shipment, status: 'DELIVERED' } }, 'DELIVERED', event);
    case 'OrderCancelled': {
      const { authorizationVoided } = dataOf(event, 'OrderCancelled');
      const payment = authorizationVoided ? { ...order.payment, status: 'VOIDED' as const } : order.payment;
      return moveTo({ ...next, payment }, 'CANCELLED', event);
    }
    case 'PaymentRefunded': {
      const { amount } = dataOf(event, 'PaymentRefunded');
      const refunded = order.payment.refunded + amount;
      const full = refunded >= order.payment.captured;
      const payment = { ...order.payment, refunded, status: full ? ('REFUNDED' as const) : ('PARTIALLY_REFUNDED' as const) };
      const status = statusAfterRefund(order.status, full);
      return moveTo({ ...next, payment }, status, event);
    }
    default:
      // Event types this view does not know yet still advance its version (X-Min-Version).
      return next;
  }
}

function placed(event: TrackedEvent): OrderTrackingDocument {
  const { customerId, currency, items, total, channel, orderNumber } = dataOf(event, 'OrderPlaced');
  return {
    orderId: event.orderId,
    orderNumber: orderNumber ?? null,
    customerId,
    channel,
    status: 'PLACED',
    currency,
    items: [...items],
    total,
    payment: { status: 'PENDING', method: null, authorized: 0, captured: 0, refunded: 0 },
    shipment: { status: 'PENDING', carrier: null, trackingNumber: null, lastCheckpoint: null },
    timeline: [{ status: 'PLACED', at: event.occurredAt }],
    placedAt: event.occurredAt,
    updatedAt: event.occurredAt,
    version: event.version,
  };
}

/** The timeline gains an entry only when the status changes. */
function moveTo(order: OrderTrackingDocument, status: OrderStatus, event: Pick<TrackedEvent, 'occurredAt'>): OrderTrackingDocument {
  if (order.status === status) return order;
  return { ...order, status, timeline: [...order.timeline, { status, at: event.occurredAt }] };
}
