/**
 * The scenario generator: pure and seeded. Each order gets a realistic lifecycle (mixed
 * baskets, failed payments then retries, cancellations at several states, multi-hub shipments
 * with late scans, deliveries, partial and full refunds) as a list of command steps, each with
 * the status its answer must carry, and the views the order must end with.
 */
import type { LifecycleCommandType, OrderStatus } from '@ordersource/domain';
import { addresses, cancelReasons, carriers, currencies, failReasons, hubs, methods, products, receivers, refundReasons, warehouses } from './catalog';
import { applyStep, Checkpoint, ExpectedViews, placedExpectation, Role, Step } from './model';
import { createRng, hashSeed, Rng } from './prng';

export interface OrderPlan {
  index: number;
  orderId: string;
  /** Scenario name, e.g. `delivered`, `cancel-paid`. */
  kind: string;
  customerId: string;
  currency: string;
  total: number;
  steps: Step[];
  expected: ExpectedViews;
}

export interface ScenarioOptions {
  seed: number;
  /** Mixed into order ids only, so two runs with one seed do not collide on a stack. */
  runTag?: string;
  /** The customer whose key may place and cancel its own orders; none: staff keys only. */
  customerId?: string;
}

const kinds: [string, number][] = [
  ['delivered', 34],
  ['delivered-refund', 10],
  ['in-transit', 8],
  ['paid-refund', 7],
  ['cancel-placed', 7],
  ['cancel-failed', 6],
  ['cancel-authorized', 6],
  ['cancel-paid', 7],
  ['abandoned', 5],
  ['authorized', 4],
  ['paid', 6],
];

export function generateOrders(options: ScenarioOptions, count: number): OrderPlan[] {
  const next = orderGenerator(options);
  return Array.from({ length: count }, () => next());
}

/** An endless stream of orders (the open-loop benchmark draws as many as it needs). */
export function orderGenerator(options: ScenarioOptions): () => OrderPlan {
  const rng = createRng(options.seed);
  const ids = createRng(hashSeed(`${options.seed}:${options.runTag ?? ''}`));
  let index = 0;
  return () => generateOrder(rng, ids.uuid(), index++, options.customerId);
}

function weighted<T>(rng: Rng, entries: readonly (readonly [T, number])[]): T {
  let roll = rng.next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return entries[entries.length - 1][0];
}

class Builder {
  readonly steps: Step[] = [];
  readonly checkpoints: Checkpoint[] = [];
  state: ExpectedViews;

  constructor(
    readonly orderId: string,
    place: Omit<Step, 'expect' | 'events'>,
    total: number,
  ) {
    this.state = placedExpectation(total);
    this.steps.push({ ...place, expect: 'PLACED', events: 1 });
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  add(command: LifecycleCommandType, role: Role, suffix: string, body: Record<string, unknown>, agoMinutes?: number): void {
    const step = { command, role, path: `/orders/${this.orderId}${suffix}`, body, ...(agoMinutes === undefined ? {} : { agoMinutes }) };
    const { next, events } = applyStep(this.state, this.checkpoints, step);
    if (command === 'RecordCheckpoint') this.checkpoints.push({ location: String(body.location), kind: String(body.kind), agoMinutes: agoMinutes ?? 0 });
    this.steps.push({ ...step, expect: next.status, events });
    this.state = next;
  }
}

function generateOrder(rng: Rng, orderId: string, index: number, ownCustomerId?: string): OrderPlan {
  const kind = weighted(rng, kinds);
  const currency = weighted(rng, currencies.map((c) => [c, c.weight] as const));
  const items = Array.from({ length: rng.int(1, 8) }, () => {
    const [sku, name] = rng.pick(products);
    const quantity = weighted(rng, [[1, 12], [2, 5], [3, 2], [rng.int(4, 12), 1]] as const);
    return { sku, ...(rng.chance(0.8) ? { name } : {}), quantity, unitPrice: rng.int(currency.min, currency.max) };
  });
  const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  const ownedByKey = ownCustomerId !== undefined && rng.chance(0.25);
  const customerId = ownedByKey ? ownCustomerId : `cust-${String(rng.int(1, 400)).padStart(4, '0')}`;
  const staff = (): Role => (rng.chance(0.85) ? 'operator' : 'admin');
  const canceller: Role = ownedByKey ? 'customer' : staff();
  const body = { orderId, customerId, currency: currency.code, items, shippingAddress: rng.pick(addresses) };
  const order = new Builder(orderId, { command: 'PlaceOrder', role: ownedByKey ? 'customer' : staff(), path: '/orders', body }, total);

  const failPayment = () => order.add('FailPayment', staff(), '/payment/fail', { reason: rng.pick(failReasons), ...(rng.chance(0.7) ? { method: rng.pick(methods) } : {}) });
  const pay = (failures = weighted(rng, [[0, 14], [1, 4], [2, 2]] as const)) => {
    for (let i = 0; i < failures; i++) failPayment();
    order.add('AuthorizePayment', staff(), '/payment/authorize', { amount: total, method: rng.pick(methods), ...(rng.chance(0.6) ? { paymentId: `pay_${rng.uuid().slice(0, 18)}` } : {}) });
  };
  const capture = () => order.add('CapturePayment', staff(), '/payment/capture', {});
  const ship = () => order.add('DispatchShipment', staff(), '/shipment', { carrier: rng.pick(carriers), trackingNumber: `TRK${rng.int(100_000_000, 999_999_999)}`, warehouse: rng.pick(warehouses) });
  const cancel = () => order.add('CancelOrder', canceller, '/cancel', { reason: rng.pick(cancelReasons) });
  const refund = (amount: number) => order.add('RefundPayment', 'admin', '/refund', { amount, reason: rng.pick(refundReasons) });
  const partial = () => Math.max(1, Math.floor((total - order.state.payment.refunded) * rng.int(5, 60) / 100));
  const scans = (complete: boolean) => {
    for (const scan of route(rng, complete)) order.add('RecordCheckpoint', staff(), '/shipment/checkpoints', { location: scan.location, kind: scan.kind }, scan.agoMinutes);
  };
  const deliver = () => order.add('DeliverOrder', staff(), '/deliver', rng.chance(0.85) ? { receivedBy: rng.pick(receivers) } : {});

  switch (kind) {
    case 'delivered':
    case 'delivered-refund':
      pay();
      capture();
      ship();
      scans(true);
      deliver();
      if (kind === 'delivered-refund') {
        if (rng.chance(0.6)) refund(partial());
        if (rng.chance(0.5)) refund(total - order.state.payment.refunded);
      }
      break;
    case 'in-transit':
      pay();
      capture();
      ship();
      scans(false);
      if (rng.chance(0.3)) refund(partial());
      break;
    case 'paid-refund':
      pay();
      capture();
      refund(rng.chance(0.5) ? partial() : total);
      if (order.status === 'PAID' && rng.chance(0.5)) refund(total - order.state.payment.refunded);
      break;
    case 'cancel-placed':
      cancel();
      break;
    case 'cancel-failed':
      for (let i = rng.int(1, 2); i > 0; i--) failPayment();
      cancel();
      break;
    case 'cancel-authorized':
      pay();
      cancel();
      break;
    case 'cancel-paid':
      pay();
      capture();
      cancel();
      break;
    case 'abandoned':
      if (rng.chance(0.5)) failPayment();
      break;
    case 'authorized':
      pay();
      break;
    case 'paid':
      pay();
      capture();
      break;
  }
  return { index, orderId, kind, customerId, currency: currency.code, total, steps: order.steps, expected: order.state };
}

/**
 * Scans of a shipment through 2-4 hubs: arrived/departed pairs, sometimes an exception, then
 * out for delivery; times are minutes before sending. Some scans are posted late (after later
 * ones). `complete: false` stops part-way (the parcel is still travelling).
 */
function route(rng: Rng, complete: boolean): Checkpoint[] {
  const locations = [...hubs].sort(() => rng.next() - 0.5).slice(0, rng.int(2, 4));
  const timed: { location: string; kind: string; at: number }[] = [];
  let at = 0;
  for (const location of locations) {
    timed.push({ location, kind: 'arrived', at });
    const dwell = rng.int(5, 240);
    if (rng.chance(0.1)) timed.push({ location, kind: 'exception', at: at + rng.int(1, dwell - 1) });
    timed.push({ location, kind: 'departed', at: at + dwell });
    at += dwell + rng.int(30, 600);
  }
  timed.push({ location: locations[locations.length - 1], kind: 'out_for_delivery', at });
  const kept = complete ? timed : timed.slice(0, rng.int(1, timed.length - 1));
  if (!complete && rng.chance(0.2)) kept.push({ location: kept[kept.length - 1].location, kind: 'exception', at: kept[kept.length - 1].at + rng.int(1, 60) });
  const newest = kept[kept.length - 1].at + rng.int(2, 180);
  const scans = kept.map((scan) => ({ location: scan.location, kind: scan.kind, agoMinutes: newest - scan.at }));
  if (rng.chance(0.4) && scans.length > 2) {
    for (let late = rng.int(1, 2); late > 0; late--) scans.push(...scans.splice(rng.int(0, scans.length - 2), 1));
  }
  return scans;
}
