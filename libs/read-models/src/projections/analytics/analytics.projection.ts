/**
 * The analytics view (API.md "Analytics"): one document per order holding the business-time
 * facts of its history, and nothing personal (the shipping address is sealed in the events and
 * never copied here; the query service resolves a shipping country through the audit view and
 * the vault when asked to group by it, so forgetting a customer also removes it from analytics).
 * The figures (buckets, funnel, durations, logistics) are folds of these documents over the
 * requested window (./figures), exact rather than sketched: a window's figures are computed
 * from its orders' documents, so no approximation error and nothing to merge.
 */
import type { JsonObject, RecordedEvent } from '@ordersource/event-store';
import { orderIdOf } from '@ordersource/domain';
import { dataOf, type Projection } from '../projection';
import type { ViewDefinition } from '../../store/read-store.port';

export type AnalyticsPaymentKind = 'authorization' | 'failure' | 'capture' | 'refund';

export interface AnalyticsPayment {
  kind: AnalyticsPaymentKind;
  at: string;
  amount: number | null;
  method: string | null;
}

export interface AnalyticsCheckpoint {
  location: string;
  kind: string;
  at: string;
}

export interface AnalyticsDocument {
  orderId: string;
  currency: string;
  /** OrderPlaced v2's sales channel; `web` for orders placed before it existed. */
  channel: string;
  placedAt: string;
  /** Earliest and latest business time among the facts: what a window query selects on. */
  firstAt: string;
  lastAt: string;
  payments: AnalyticsPayment[];
  carrier: string | null;
  warehouse: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  /** In `at` order (scans arrive late); equal times keep recording order. */
  checkpoints: AnalyticsCheckpoint[];
  version: number;
}

export const analyticsView: ViewDefinition = {
  name: 'analytics',
  head: {
    name: 'analytics',
    fields: { firstAt: 'string', lastAt: 'string' },
    // A window [from, to) holds the orders with lastAt >= from and firstAt < to.
    indexes: [{ equals: [], sortBy: 'lastAt' }],
  },
  records: [],
};

export const analyticsProjection: Projection = {
  name: 'analytics',
  view: analyticsView,
  evolve: (head, event) => ({ head: evolveAnalytics(head as unknown as AnalyticsDocument | null, event) as unknown as JsonObject | null, records: [] }),
};

export function evolveAnalytics(order: AnalyticsDocument | null, event: RecordedEvent): AnalyticsDocument | null {
  const at = instant(event.occurredAt);
  if (event.type === 'OrderPlaced') {
    const data = dataOf(event, 'OrderPlaced') as { currency: string; channel?: string };
    return {
      orderId: orderIdOf(event.streamId),
      currency: data.currency,
      channel: data.channel ?? 'web',
      placedAt: at,
      firstAt: at,
      lastAt: at,
      payments: [],
      carrier: null,
      warehouse: null,
      shippedAt: null,
      deliveredAt: null,
      cancelledAt: null,
      checkpoints: [],
      version: event.version,
    };
  }
  if (!order) return null;
  const next: AnalyticsDocument = { ...order, version: event.version };
  switch (event.type) {
    case 'PaymentAuthorized': {
      const { amount, method } = dataOf(event, 'PaymentAuthorized');
      return withFact(withPayment(next, { kind: 'authorization', at, amount, method }), at);
    }
    case 'PaymentFailed': {
      const { method } = dataOf(event, 'PaymentFailed');
      return withFact(withPayment(next, { kind: 'failure', at, amount: null, method: method ?? null }), at);
    }
    case 'PaymentCaptured':
      return withFact(withPayment(next, { kind: 'capture', at, amount: dataOf(event, 'PaymentCaptured').amount, method: null }), at);
    case 'PaymentRefunded':
      return withFact(withPayment(next, { kind: 'refund', at, amount: dataOf(event, 'PaymentRefunded').amount, method: null }), at);
    case 'ShipmentDispatched': {
      const { carrier, warehouse } = dataOf(event, 'ShipmentDispatched');
      return withFact({ ...next, carrier, warehouse, shippedAt: at }, at);
    }
    case 'ShipmentCheckpointRecorded': {
      const data = dataOf(event, 'ShipmentCheckpointRecorded');
      const checkpoint = { location: data.location, kind: data.kind, at: instant(data.occurredAt) };
      let index = order.checkpoints.length;
      while (index > 0 && order.checkpoints[index - 1].at > checkpoint.at) index -= 1;
      const checkpoints = [...order.checkpoints.slice(0, index), checkpoint, ...order.checkpoints.slice(index)];
      return withFact({ ...next, checkpoints }, checkpoint.at);
    }
    case 'OrderDelivered':
      return withFact({ ...next, deliveredAt: at }, at);
    case 'OrderCancelled':
      return withFact({ ...next, cancelledAt: at }, at);
    default:
      // Event types this view does not know yet still advance its version.
      return next;
  }
}

/** The order's payment method: the authorized one, else the last failed attempt's (API.md). */
export function paymentMethodOf(order: Pick<AnalyticsDocument, 'payments'>): string | null {
  const authorized = order.payments.filter((payment) => payment.kind === 'authorization').pop();
  if (authorized) return authorized.method;
  return order.payments.filter((payment) => payment.kind === 'failure' && payment.method !== null).pop()?.method ?? null;
}

function withPayment(order: AnalyticsDocument, payment: AnalyticsPayment): AnalyticsDocument {
  return { ...order, payments: [...order.payments, payment] };
}

function withFact(order: AnalyticsDocument, at: string): AnalyticsDocument {
  return { ...order, firstAt: at < order.firstAt ? at : order.firstAt, lastAt: at > order.lastAt ? at : order.lastAt };
}

/** One spelling of every instant (ISO 8601 UTC, milliseconds), so string order is time order. */
function instant(value: string): string {
  return new Date(value).toISOString();
}
