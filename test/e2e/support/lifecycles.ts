import { randomUUID } from 'node:crypto';
import { statusAfterRefund, type OrderStatus } from '@ordersource/domain';
import { HttpClient, ok } from './http';
import { keys } from './keys';
import { ExpectedViews, ModelEvent, expectedViews } from './order-model';

/**
 * Realistic order lifecycles as plans of commands, each step with the events it must append,
 * and a driver that sends them through the command API and keeps what each command answered.
 */
export interface PlannedEvent {
  type: string;
  data: Record<string, unknown>;
  /** Set where the caller gives the time (deliver); otherwise it is the request time. */
  occurredAt?: string;
}

export interface Step {
  name: string;
  path: string;
  body?: Record<string, unknown>;
  events: PlannedEvent[];
  status: string;
}

export interface OrderPlan {
  orderId: string;
  scenario: string;
  customerId: string;
  order: { customerId: string; currency: string; items: Record<string, unknown>[]; shippingAddress: Record<string, unknown> };
  total: number;
  steps: Step[];
}

export interface DrivenStep {
  step: Step;
  version: number;
  status: string;
}

export interface DrivenOrder {
  plan: OrderPlan;
  placedVersion: number;
  /** What POST /orders answered (issue 15). */
  orderNumber: string;
  steps: DrivenStep[];
  lastVersion: number;
}

const minutes = (base: number, n: number) => new Date(base + n * 60_000).toISOString();

type Builder = ReturnType<typeof planBuilder>;
const scenarios: Record<string, (b: Builder) => void> = {
  'placed only': () => undefined,
  'cancelled when placed': (b) => b.cancel(),
  'cancelled after a failed payment': (b) => b.fail('card declined').cancel(),
  'cancelled when authorized (authorization voided)': (b) => b.fail('insufficient funds').authorize().cancel(),
  'cancelled when paid (refunded in full)': (b) => b.authorize().capture().cancel(),
  'delivered after late, out-of-order scans': (b) => b.fail('3-D Secure timeout').authorize().capture().ship().scans([2, 0, 4, 1, 3]).deliver(),
  'refunded in part while shipped, then in full once delivered': (b) => b.authorize().capture().ship().scans([1, 0, 2]).refund(1000).deliver().refundRest(),
  'refunded in two parts while paid': (b) => b.authorize().capture().refund(500).refundRest(),
  'delivered, then refunded in part': (b) => b.authorize().capture().ship().scans([4, 3, 2, 1, 0]).deliver().refund(700),
  'in transit after two failed payments': (b) => b.fail('card expired').fail('bank offline').authorize().capture().ship().scans([3, 0]),
  'payment failed': (b) => b.fail('do not honour'),
};
export const scenarioNames = Object.keys(scenarios);

export function planOrder(index: number, customerId: string, label = `${index}`): OrderPlan {
  const scenario = scenarioNames[index % scenarioNames.length];
  const builder = planBuilder(index, customerId, label);
  scenarios[scenario](builder);
  return { ...builder.plan, scenario };
}

function planBuilder(index: number, customerId: string, label: string) {
  const quantity = (index % 3) + 1;
  const unitPrice = 1500 + index;
  const items = [
    { sku: `SKU-${index % 17}`, name: `Kettle ${label}`, quantity, unitPrice },
    { sku: 'SKU-MUG', quantity: 1, unitPrice: 999 },
  ];
  const total = quantity * unitPrice + 999;
  const orderId = randomUUID();
  const base = Date.now() - 6 * 3600_000 + index * 1000;
  const route = [
    { location: `Hub ${label}`, kind: 'arrived', occurredAt: minutes(base, 10) },
    { location: `Hub ${label}`, kind: 'departed', occurredAt: minutes(base, 45) },
    { location: 'Depot', kind: 'arrived', occurredAt: minutes(base, 70) },
    { location: 'Depot', kind: 'departed', occurredAt: minutes(base, 95) },
    { location: 'Depot', kind: 'out_for_delivery', occurredAt: minutes(base, 96) },
  ];
  const plan: OrderPlan = {
    orderId,
    scenario: '',
    customerId,
    order: { customerId, currency: 'EUR', items, shippingAddress: { name: `Person ${label}`, line1: `${label} Long Street`, city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' } },
    total,
    steps: [],
  };
  let status = 'PLACED';
  let captured = 0;
  let refunded = 0;
  const path = (suffix: string) => `/orders/${orderId}${suffix}`;
  const add = (name: string, suffix: string, body: Record<string, unknown> | undefined, events: PlannedEvent[], next: string) => {
    status = next;
    plan.steps.push({ name, path: path(suffix), body, events, status });
  };
  const builder = {
    plan,
    fail(reason: string) {
      const body = { reason: `${reason} (${label})`, method: 'card' };
      add('fail', '/payment/fail', body, [{ type: 'PaymentFailed', data: body }], 'PAYMENT_FAILED');
      return builder;
    },
    authorize() {
      const body = { amount: total, method: index % 2 ? 'paypal' : 'card', paymentId: `pay-${label}` };
      add('authorize', '/payment/authorize', body, [{ type: 'PaymentAuthorized', data: body }], 'PAYMENT_AUTHORIZED');
      return builder;
    },
    capture() {
      captured = total;
      add('capture', '/payment/capture', undefined, [{ type: 'PaymentCaptured', data: { amount: total } }], 'PAID');
      return builder;
    },
    ship() {
      const body = { carrier: index % 2 ? 'UPS' : 'DHL', trackingNumber: `TRK-${label}`, warehouse: `WH-${index % 4}` };
      add('ship', '/shipment', body, [{ type: 'ShipmentDispatched', data: body }], 'SHIPPED');
      return builder;
    },
    scans(order: number[]) {
      for (const n of order) add('checkpoint', '/shipment/checkpoints', route[n], [{ type: 'ShipmentCheckpointRecorded', data: route[n] }], 'SHIPPED');
      return builder;
    },
    deliver() {
      const body = { occurredAt: minutes(base, 130), receivedBy: `Neighbour ${label}` };
      add('deliver', '/deliver', body, [{ type: 'OrderDelivered', data: { receivedBy: body.receivedBy }, occurredAt: body.occurredAt }], 'DELIVERED');
      return builder;
    },
    cancel() {
      const body = { reason: `changed mind (${label})` };
      const events: PlannedEvent[] = [{ type: 'OrderCancelled', data: { reason: body.reason, authorizationVoided: status === 'PAYMENT_AUTHORIZED' } }];
      if (status === 'PAID') events.push({ type: 'PaymentRefunded', data: { amount: captured - refunded, reason: body.reason } });
      add('cancel', '/cancel', body, events, 'CANCELLED');
      return builder;
    },
    refund(amount: number) {
      const body = { amount, reason: `damaged parcel (${label})` };
      refunded += amount;
      const full = refunded === captured;
      add('refund', '/refund', body, [{ type: 'PaymentRefunded', data: body }], statusAfterRefund(status as OrderStatus, full));
      return builder;
    },
    refundRest() {
      return builder.refund(captured - refunded);
    },
  };
  return builder;
}

/** Places the order and sends its commands in sequence; every answer must be the one planned. */
export async function driveOrder(command: HttpClient, plan: OrderPlan): Promise<DrivenOrder> {
  const placed = ok(await command.post('/orders', { orderId: plan.orderId, ...plan.order }, { key: keys.operator }), 201, `placing ${plan.orderId}`);
  if (placed.version !== 1 || placed.status !== 'PLACED') throw new Error(`placing answered ${JSON.stringify(placed)}`);
  let version = 1;
  const steps: DrivenStep[] = [];
  for (const step of plan.steps) {
    const answer = ok(await command.post(step.path, step.body, { key: keys.admin }), 200, `${step.name} on ${plan.orderId} (${plan.scenario})`);
    version += step.events.length;
    if (answer.version !== version || answer.status !== step.status) {
      throw new Error(`${step.name} on ${plan.orderId} answered ${JSON.stringify(answer)}, expected version ${version} and ${step.status}`);
    }
    steps.push({ step, version: answer.version, status: answer.status });
  }
  return { plan, placedVersion: 1, orderNumber: placed.orderNumber, steps, lastVersion: version };
}

/** The events the order must have, in version order (OrderPlaced first). */
export function plannedEvents(plan: OrderPlan): PlannedEvent[] {
  return [{ type: 'OrderPlaced', data: { ...plan.order, total: plan.total } }, ...plan.steps.flatMap((step) => step.events)];
}

/**
 * What the views of a driven order must say, up to a version: its planned events, at the times
 * its history recorded (`history` is `GET /orders/{id}/history`'s events, in version order).
 */
export function expectedViewsOf(order: DrivenOrder, history: readonly { occurredAt: string }[], upTo = Infinity): ExpectedViews {
  const events: ModelEvent[] = plannedEvents(order.plan)
    .map((planned, index) => ({ type: planned.type, version: index + 1, occurredAt: history[index].occurredAt, data: planned.data }))
    .filter((event) => event.version <= upTo);
  const { orderId, customerId, total, order: body } = order.plan;
  return expectedViews({ orderId, orderNumber: order.orderNumber, channel: 'web', customerId, currency: body.currency, items: body.items, total }, events);
}
