import type { RecordedEvent } from '@ordersource/event-store';
import { runProjection } from '../../projection-runner';
import { MemoryReadStore } from '../../store/memory/memory-read-store';
import { at, deliveredOrderHistory, orderEvent, orderUuid } from '../../testing/order-history';
import { readModelViews } from '..';
import { shippingProjection } from './shipping.projection';

const orderId = orderUuid(1);

async function shippingAfter(events: RecordedEvent[]) {
  const store = new MemoryReadStore(readModelViews);
  await runProjection(shippingProjection, store, events);
  return store.findById({ view: 'shipping', id: orderId });
}

/** Every ordering of a list (4 checkpoints: 24). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('shipping projection', () => {
  it('sorts late checkpoints by time and gives each arrival its dwell until departure', async () => {
    expect(await shippingAfter(deliveredOrderHistory(orderId))).toEqual({
      orderId,
      status: 'DELIVERED',
      carrier: 'DHL',
      trackingNumber: 'TRK-1',
      warehouse: 'WH-1',
      dispatchedAt: at(180),
      deliveredAt: at(10800),
      route: [
        { location: 'Hub', kind: 'arrived', at: at(1800), dwellSeconds: 1800 },
        { location: 'Hub', kind: 'departed', at: at(3600), dwellSeconds: null },
        { location: 'Depot', kind: 'arrived', at: at(7200), dwellSeconds: 1800 },
        { location: 'Depot', kind: 'departed', at: at(9000), dwellSeconds: null },
      ],
      version: 10,
    });
  });

  it('leaves dwell null while an arrival has no departure yet, and fills it when a late departure comes', async () => {
    const history = deliveredOrderHistory(orderId);
    const beforeDeparture = await shippingAfter(history.slice(0, 7));
    expect(beforeDeparture?.route).toEqual([
      { location: 'Hub', kind: 'arrived', at: at(1800), dwellSeconds: 1800 },
      { location: 'Hub', kind: 'departed', at: at(3600), dwellSeconds: null },
      { location: 'Depot', kind: 'arrived', at: at(7200), dwellSeconds: null },
    ]);
    expect(beforeDeparture?.status).toBe('IN_TRANSIT');
  });

  it('builds the same route whatever order the checkpoints were recorded in', async () => {
    const [placed, authorized, captured, dispatched] = deliveredOrderHistory(orderId);
    const checkpoints = [
      { location: 'Hub', kind: 'arrived', occurredAt: at(1800) },
      { location: 'Hub', kind: 'departed', occurredAt: at(3600) },
      { location: 'Depot', kind: 'arrived', occurredAt: at(7200) },
      { location: 'Depot', kind: 'out_for_delivery', occurredAt: at(9000) },
    ];
    const routes = new Set<string>();
    const statuses = new Set<unknown>();
    for (const ordering of permutations(checkpoints)) {
      const recorded = ordering.map((checkpoint, index) => orderEvent(orderId, 5 + index, 'ShipmentCheckpointRecorded', checkpoint, { occurredAt: at(10000 + index) }));
      const shipping = await shippingAfter([placed, authorized, captured, dispatched, ...recorded]);
      routes.add(JSON.stringify(shipping?.route));
      statuses.add(shipping?.status);
    }
    expect(routes.size).toBe(1);
    expect(JSON.parse([...routes][0]).map((entry: { at: string; dwellSeconds: number | null }) => [entry.at, entry.dwellSeconds])).toEqual([
      [at(1800), 1800],
      [at(3600), null],
      [at(7200), null],
      [at(9000), null],
    ]);
    expect([...statuses]).toEqual(['OUT_FOR_DELIVERY']);
  });

  it('exists from placing on, so its version covers the order before shipping', async () => {
    expect(await shippingAfter(deliveredOrderHistory(orderId).slice(0, 3))).toMatchObject({ status: 'PENDING', carrier: null, route: [], version: 3 });
  });
});
