import { checkOrder } from './checker';
import type { Answer, DemoClient } from './http';
import type { OrderRun } from './runner';
import { generateOrders } from './scenario';

const [plan] = generateOrders({ seed: 11, runTag: 'checker' }, 40).filter((order) => order.kind === 'delivered');

function completedRun(): OrderRun {
  let version = 0;
  return {
    plan,
    records: plan.steps.map((step) => {
      version += step.events;
      return { command: step.command, path: step.path, httpStatus: step.command === 'PlaceOrder' ? 201 : 200, version, orderStatus: step.expect, expectStatus: step.expect, expectVersion: version, ms: 1 };
    }),
  };
}

/** The views a correct stack serves for `plan`, with `tamper` applied. */
function fakeClient(tamper: (views: Record<string, Record<string, unknown>>) => void = () => undefined, seen: string[] = []): DemoClient {
  const { expected } = plan;
  const route = expected.route.map((entry, i) => ({ location: entry.split('/')[0], kind: entry.split('/')[1], at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));
  const views: Record<string, Record<string, unknown>> = {
    [`/orders/${plan.orderId}`]: {
      status: expected.status,
      version: expected.version,
      total: expected.total,
      currency: plan.currency,
      payment: { ...expected.payment, method: 'card' },
      shipment: { ...expected.trackingShipment, trackingNumber: 'T', lastCheckpoint: null },
      timeline: Array.from({ length: expected.timelineLength }, () => ({})),
    },
    [`/payments/${plan.orderId}`]: { records: Array.from({ length: expected.paymentRecords }, () => ({})), ...expected.payment, version: expected.version },
    [`/shipments/${plan.orderId}`]: { status: expected.shipmentStatus, route, version: expected.version },
    [`/orders/${plan.orderId}/history`]: { events: Array.from({ length: expected.version }, (_, i) => ({ version: i + 1 })) },
  };
  tamper(views);
  return {
    view: async (path: string, _role: string, minVersion?: number): Promise<Answer> => {
      seen.push(`${path}@${minVersion}`);
      return { status: 200, body: views[path], ms: 1 };
    },
  } as unknown as DemoClient;
}

describe('demo checker', () => {
  it('finds a correct order consistent, reading every view at the order’s last version', async () => {
    const seen: string[] = [];
    expect((await checkOrder(fakeClient(undefined, seen), completedRun())).diffs).toEqual([]);
    expect(seen.sort()).toEqual([`/orders/${plan.orderId}`, `/orders/${plan.orderId}/history`, `/payments/${plan.orderId}`, `/shipments/${plan.orderId}`].map((path) => `${path}@${plan.expected.version}`).sort());
  });

  it('reports each view that disagrees', async () => {
    const client = fakeClient((views) => {
      views[`/orders/${plan.orderId}`].total = 1;
      (views[`/shipments/${plan.orderId}`].route as unknown[]).reverse();
      views[`/orders/${plan.orderId}/history`].events = [];
      views[`/payments/${plan.orderId}`].records = [];
    });
    const { diffs } = await checkOrder(client, completedRun());
    expect(diffs.map((diff) => diff.split(':')[0])).toEqual(['order.total', 'payments.records.length', 'shipment.route', 'shipment.route is not sorted by at', 'history.events.length', 'history.versions']);
  });

  it('reports an unexpected answer status or version without reading the views', async () => {
    const run = completedRun();
    run.records[2] = { ...run.records[2], orderStatus: 'SHIPPED', version: 99 };
    const seen: string[] = [];
    const { diffs } = await checkOrder(fakeClient(undefined, seen), run);
    expect(diffs).toEqual([`${run.records[2].command}: answered status SHIPPED, expected ${run.records[2].expectStatus}`, `${run.records[2].command}: answered version 99, expected ${run.records[2].expectVersion}`]);
    expect(seen).toEqual([]);
  });

  it('reports an order whose command failed', async () => {
    const run = { ...completedRun(), aborted: 'CapturePayment answered 409: payment-not-authorized' };
    expect((await checkOrder(fakeClient(), run)).diffs).toEqual(['CapturePayment answered 409: payment-not-authorized']);
  });
});
