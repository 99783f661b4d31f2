/**
 * Checks one order's views against its command results: every answer must be the expected
 * success with the expected status and version; then, waiting with X-Min-Version for the
 * order's last version, the tracking, payments, shipment and history views must agree.
 */
import type { Answer, DemoClient } from './http';
import type { Role } from './model';
import { lastVersion, OrderRun } from './runner';

const VIEW_DEADLINE_MS = 30_000;

export interface OrderCheck {
  orderId: string;
  kind: string;
  diffs: string[];
}

export async function checkOrder(client: DemoClient, run: OrderRun): Promise<OrderCheck> {
  const { plan } = run;
  const diffs: string[] = [];
  for (const record of run.records) {
    const expectedHttp = record.command === 'PlaceOrder' ? 201 : 200;
    if (record.httpStatus !== expectedHttp) continue;
    if (record.orderStatus !== record.expectStatus) diffs.push(`${record.command}: answered status ${record.orderStatus}, expected ${record.expectStatus}`);
    if (record.version !== record.expectVersion) diffs.push(`${record.command}: answered version ${record.version}, expected ${record.expectVersion}`);
  }
  if (run.aborted) diffs.push(run.aborted);
  if (run.aborted || diffs.length > 0) return { orderId: plan.orderId, kind: plan.kind, diffs };

  const version = lastVersion(run);
  const role: Role = plan.steps[0].role === 'customer' ? 'customer' : 'operator';
  const expected = plan.expected;
  const get = (path: string) => viewAt(client, path, role, version);
  const [order, payments, shipment, history] = await Promise.all([get(`/orders/${plan.orderId}`), get(`/payments/${plan.orderId}`), get(`/shipments/${plan.orderId}`), get(`/orders/${plan.orderId}/history`)]);
  const compare = (what: string, actual: unknown, wanted: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) diffs.push(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
  };

  if (order.status !== 200) diffs.push(`GET /orders/{id}: ${order.status} ${JSON.stringify(order.body).slice(0, 200)}`);
  else {
    const view = order.body as { status: string; total: number; version: number; currency: string; payment: Record<string, unknown>; shipment: Record<string, unknown>; timeline: unknown[] };
    compare('order.status', view.status, expected.status);
    compare('order.version', view.version, version);
    compare('order.total', view.total, expected.total);
    compare('order.currency', view.currency, plan.currency);
    compare('order.payment', pick(view.payment, ['status', 'authorized', 'captured', 'refunded']), expected.payment);
    compare('order.shipment', pick(view.shipment, ['status', 'carrier']), expected.trackingShipment);
    compare('order.timeline.length', view.timeline?.length, expected.timelineLength);
  }
  if (payments.status !== 200) diffs.push(`GET /payments/{id}: ${payments.status}`);
  else {
    const view = payments.body as { records: unknown[]; authorized: number; captured: number; refunded: number; version: number };
    compare('payments.records.length', view.records?.length, expected.paymentRecords);
    compare('payments.totals', [view.authorized, view.captured, view.refunded], [expected.payment.authorized, expected.payment.captured, expected.payment.refunded]);
    compare('payments.version', view.version, version);
  }
  if (shipment.status !== 200) diffs.push(`GET /shipments/{id}: ${shipment.status}`);
  else {
    const view = shipment.body as { status: string; route: { location: string; kind: string; at: string }[]; version: number };
    const route = view.route ?? [];
    compare('shipment.status', view.status, expected.shipmentStatus);
    compare('shipment.route', route.map((entry) => `${entry.location}/${entry.kind}`), expected.route);
    const sorted = route.every((entry, i) => i === 0 || route[i - 1].at <= entry.at);
    if (!sorted) diffs.push(`shipment.route is not sorted by at: ${route.map((entry) => entry.at).join(', ')}`);
    compare('shipment.version', view.version, version);
  }
  if (history.status !== 200) diffs.push(`GET /orders/{id}/history: ${history.status}`);
  else {
    const events = (history.body as { events: { version: number }[] }).events ?? [];
    compare('history.events.length', events.length, version);
    compare('history.versions', events.map((event) => event.version).join(','), Array.from({ length: version }, (_, i) => i + 1).join(','));
  }
  return { orderId: plan.orderId, kind: plan.kind, diffs };
}

/** GET with X-Min-Version; a 503 (not reached within X-Wait-Ms) is retried until a deadline. */
async function viewAt(client: DemoClient, path: string, role: Role, version: number): Promise<Answer> {
  const deadline = Date.now() + VIEW_DEADLINE_MS;
  for (;;) {
    const answer = await client.view(path, role, version, 10_000);
    if (answer.status !== 503 || Date.now() > deadline) return answer;
  }
}

function pick(source: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, source?.[key]]));
}
