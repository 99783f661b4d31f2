/**
 * What the views must show for an order, derived from the commands sent to it (API.md "Order
 * lifecycle", "Query service"). The scenario generator uses it to know each step's resulting
 * status and event count; the checker compares the views against its final state.
 */
import { statusAfterRefund, type LifecycleCommandType, type OrderStatus } from '@ordersource/domain';

export type Role = 'admin' | 'operator' | 'customer';

export interface Step {
  command: LifecycleCommandType;
  role: Role;
  /** Command-service path. */
  path: string;
  body: Record<string, unknown>;
  /** Checkpoints: `occurredAt` is this many minutes before the moment the command is sent. */
  agoMinutes?: number;
  /** The order status the answer must carry. */
  expect: OrderStatus;
  /** Events the command appends (a cancellation of a paid order appends two). */
  events: number;
}

export interface Checkpoint {
  location: string;
  kind: string;
  agoMinutes: number;
}

export interface ExpectedViews {
  status: OrderStatus;
  version: number;
  total: number;
  payment: { status: string; authorized: number; captured: number; refunded: number };
  paymentRecords: number;
  /** The shipment summary in GET /orders/{id}. */
  trackingShipment: { status: string; carrier: string | null };
  /** GET /shipments/{id}: its status differs on a cancellation (CANCELLED there). */
  shipmentStatus: string;
  /** Route entries oldest first, as `location/kind`. */
  route: string[];
  timelineLength: number;
}

export function placedExpectation(total: number): ExpectedViews {
  return {
    status: 'PLACED',
    version: 1,
    total,
    payment: { status: 'PENDING', authorized: 0, captured: 0, refunded: 0 },
    paymentRecords: 0,
    trackingShipment: { status: 'PENDING', carrier: null },
    shipmentStatus: 'PENDING',
    route: [],
    timelineLength: 1,
  };
}

/** The state after one more command; `checkpoints` is the shipment's scans so far. */
export function applyStep(state: ExpectedViews, checkpoints: Checkpoint[], step: Omit<Step, 'expect' | 'events'>): { next: ExpectedViews; events: number } {
  const next: ExpectedViews = { ...state, payment: { ...state.payment }, trackingShipment: { ...state.trackingShipment }, route: [...state.route] };
  let status: OrderStatus = state.status;
  let events = 1;
  switch (step.command) {
    case 'AuthorizePayment':
      next.payment = { ...next.payment, status: 'AUTHORIZED', authorized: Number(step.body.amount) };
      next.paymentRecords += 1;
      status = 'PAYMENT_AUTHORIZED';
      break;
    case 'FailPayment':
      next.payment.status = 'FAILED';
      next.paymentRecords += 1;
      status = 'PAYMENT_FAILED';
      break;
    case 'CapturePayment':
      next.payment = { ...next.payment, status: 'CAPTURED', captured: next.payment.authorized };
      next.paymentRecords += 1;
      status = 'PAID';
      break;
    case 'DispatchShipment':
      next.trackingShipment = { status: 'IN_TRANSIT', carrier: String(step.body.carrier) };
      next.shipmentStatus = 'IN_TRANSIT';
      status = 'SHIPPED';
      break;
    case 'RecordCheckpoint': {
      const all = [...checkpoints, { location: String(step.body.location), kind: String(step.body.kind), agoMinutes: step.agoMinutes ?? 0 }];
      const ordered = [...all].sort((a, b) => b.agoMinutes - a.agoMinutes);
      next.route = ordered.map((checkpoint) => `${checkpoint.location}/${checkpoint.kind}`);
      const latest = ordered[ordered.length - 1].kind;
      const shipping = latest === 'out_for_delivery' ? 'OUT_FOR_DELIVERY' : latest === 'exception' ? 'EXCEPTION' : 'IN_TRANSIT';
      if (next.shipmentStatus !== 'DELIVERED') next.shipmentStatus = shipping;
      if (next.trackingShipment.status !== 'DELIVERED') next.trackingShipment.status = shipping;
      break;
    }
    case 'DeliverOrder':
      next.trackingShipment.status = 'DELIVERED';
      next.shipmentStatus = 'DELIVERED';
      status = 'DELIVERED';
      break;
    case 'CancelOrder':
      if (state.status === 'PAYMENT_AUTHORIZED') next.payment.status = 'VOIDED';
      if (state.status === 'PAID') {
        events = 2;
        next.payment = { ...next.payment, status: 'REFUNDED', refunded: next.payment.captured };
        next.paymentRecords += 1;
      }
      next.shipmentStatus = 'CANCELLED';
      status = 'CANCELLED';
      break;
    case 'RefundPayment': {
      const refunded = next.payment.refunded + Number(step.body.amount);
      const full = refunded >= next.payment.captured;
      next.payment = { ...next.payment, refunded, status: full ? 'REFUNDED' : 'PARTIALLY_REFUNDED' };
      next.paymentRecords += 1;
      status = statusAfterRefund(state.status, full);
      break;
    }
    case 'PlaceOrder':
      throw new Error('PlaceOrder starts an order; use placedExpectation');
  }
  if (status !== state.status) next.timelineLength += 1;
  next.status = status;
  next.version = state.version + events;
  return { next, events };
}
