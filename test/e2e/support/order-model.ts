/**
 * What the views must say, folded from the events the commands produced, written from API.md
 * (not from the projections' code): the suites compare every view against this. The one
 * lifecycle rule it needs, what a full refund does to the order, is asked of the domain that
 * owns it (issue 11) rather than restated.
 */
import { statusAfterRefund, type OrderStatus } from '@ordersource/domain';

export interface ModelEvent {
  type: string;
  version: number;
  occurredAt: string;
  data: Record<string, unknown>;
}

type Json = Record<string, unknown>;
interface Checkpoint {
  location: string;
  kind: string;
  at: string;
}

export interface ExpectedViews {
  tracking: Json;
  payments: Json;
  shipping: Json;
}


export function expectedViews(placed: { orderId: string; orderNumber: string | null; channel: string; customerId: string; currency: string; items: Json[]; total: number }, events: readonly ModelEvent[]): ExpectedViews {
  let status = 'PLACED';
  const timeline = [{ status: 'PLACED', at: events[0].occurredAt }];
  const payment = { status: 'PENDING', method: null as string | null, authorized: 0, captured: 0, refunded: 0 };
  const shipmentInfo = { carrier: null as unknown, trackingNumber: null as unknown, warehouse: null as unknown, dispatchedAt: null as string | null, deliveredAt: null as string | null };
  const checkpoints: Checkpoint[] = [];
  let delivered = false;
  let cancelled = false;
  const records: Json[] = [];
  const lastMethod = () => [...records].reverse().find((record) => record.method)?.method ?? null;
  const moveTo = (next: string, at: string) => {
    if (next !== status) timeline.push({ status: next, at });
    status = next;
  };
  for (const event of events.slice(1)) {
    const data = event.data;
    const at = event.occurredAt;
    switch (event.type) {
      case 'PaymentAuthorized':
        Object.assign(payment, { status: 'AUTHORIZED', method: data.method, authorized: data.amount });
        records.push({ kind: 'authorization', amount: data.amount, method: data.method, result: 'authorized', reason: null, at });
        moveTo('PAYMENT_AUTHORIZED', at);
        break;
      case 'PaymentFailed':
        records.push({ kind: 'failure', amount: null, method: data.method ?? lastMethod(), result: 'failed', reason: data.reason, at });
        Object.assign(payment, { status: 'FAILED', method: data.method ?? payment.method });
        moveTo('PAYMENT_FAILED', at);
        break;
      case 'PaymentCaptured':
        records.push({ kind: 'capture', amount: data.amount, method: lastMethod(), result: 'captured', reason: null, at });
        Object.assign(payment, { status: 'CAPTURED', captured: payment.captured + (data.amount as number) });
        moveTo('PAID', at);
        break;
      case 'ShipmentDispatched':
        Object.assign(shipmentInfo, { carrier: data.carrier, trackingNumber: data.trackingNumber, warehouse: data.warehouse, dispatchedAt: at });
        moveTo('SHIPPED', at);
        break;
      case 'ShipmentCheckpointRecorded':
        checkpoints.push({ location: data.location as string, kind: data.kind as string, at: data.occurredAt as string });
        break;
      case 'OrderDelivered':
        delivered = true;
        shipmentInfo.deliveredAt = at;
        moveTo('DELIVERED', at);
        break;
      case 'OrderCancelled':
        cancelled = true;
        if (data.authorizationVoided) payment.status = 'VOIDED';
        moveTo('CANCELLED', at);
        break;
      case 'PaymentRefunded': {
        records.push({ kind: 'refund', amount: data.amount, method: lastMethod(), result: 'refunded', reason: data.reason, at });
        payment.refunded += data.amount as number;
        const full = payment.refunded >= payment.captured;
        payment.status = full ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
        moveTo(statusAfterRefund(status as OrderStatus, full), at);
        break;
      }
      default:
        throw new Error(`the model does not know ${event.type}`);
    }
  }
  const last = events[events.length - 1];
  const route = routeOf(checkpoints);
  const latest = latestByTime(checkpoints);
  const transit = latest ? kindStatus(latest.kind) : 'IN_TRANSIT';
  const dispatched = shipmentInfo.dispatchedAt !== null;
  const tracking = {
    orderId: placed.orderId,
    orderNumber: placed.orderNumber,
    customerId: placed.customerId,
    channel: placed.channel,
    status,
    currency: placed.currency,
    items: placed.items,
    total: placed.total,
    payment,
    shipment: {
      status: delivered ? 'DELIVERED' : dispatched ? transit : 'PENDING',
      carrier: shipmentInfo.carrier,
      trackingNumber: shipmentInfo.trackingNumber,
      lastCheckpoint: latest ?? null,
    },
    timeline,
    placedAt: events[0].occurredAt,
    updatedAt: last.occurredAt,
    version: last.version,
  };
  const payments = {
    orderId: placed.orderId,
    currency: placed.currency,
    records,
    authorized: payment.authorized,
    captured: payment.captured,
    refunded: payment.refunded,
    version: last.version,
  };
  const shippingStatus = delivered ? 'DELIVERED' : cancelled ? 'CANCELLED' : dispatched ? transit : 'PENDING';
  const shipping = { orderId: placed.orderId, status: shippingStatus, ...shipmentInfo, route, version: last.version };
  return { tracking, payments, shipping };
}

/** The latest checkpoint by time; among equal times, the one recorded last. */
function latestByTime(checkpoints: readonly Checkpoint[]): Checkpoint | undefined {
  let latest: Checkpoint | undefined;
  for (const checkpoint of checkpoints) if (!latest || checkpoint.at >= latest.at) latest = checkpoint;
  return latest ? { location: latest.location, kind: latest.kind, at: latest.at } : undefined;
}

function kindStatus(kind: string): string {
  if (kind === 'out_for_delivery') return 'OUT_FOR_DELIVERY';
  if (kind === 'exception') return 'EXCEPTION';
  return 'IN_TRANSIT';
}

/** Route in `at` order; an arrival's dwell is the seconds until the next departure from the same place. */
function routeOf(checkpoints: readonly Checkpoint[]): Json[] {
  const sorted = checkpoints.map((checkpoint, index) => ({ ...checkpoint, index })).sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
  return sorted.map(({ location, kind, at }, index) => {
    if (kind !== 'arrived') return { location, kind, at, dwellSeconds: null };
    const departure = sorted.slice(index + 1).find((later) => later.kind === 'departed' && later.location === location);
    return { location, kind, at, dwellSeconds: departure ? (Date.parse(departure.at) - Date.parse(at)) / 1000 : null };
  });
}
