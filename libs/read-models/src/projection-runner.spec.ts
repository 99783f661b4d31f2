import type { RecordedEvent } from '@ordersource/event-store';
import { readModelViews, projections } from './projections';
import { assertNoGaps, ProjectionGapError, runProjection } from './projection-runner';
import { MemoryReadStore } from './store/memory/memory-read-store';
import { AUDIT_EVENTS } from './projections/audit/audit.projection';
import { PAYMENT_RECORDS } from './projections/payments/payments.projection';
import { deliveredOrderHistory, orderUuid, revertedOrderHistory } from './testing/order-history';
import type { GenerationOptions, OrderHead } from './store/read-store.port';

const orders = [1, 2, 3].map(orderUuid);
const histories = orders.map((orderId, index) => deliveredOrderHistory(orderId, index * 7));

/** A seeded shuffle that keeps each order's own events in version order (a per-key topic). */
function interleave(seed: number, lists: RecordedEvent[][]): RecordedEvent[] {
  let state = seed;
  const queues = lists.map((list) => [...list]);
  const result: RecordedEvent[] = [];
  while (queues.some((queue) => queue.length > 0)) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const open = queues.filter((queue) => queue.length > 0);
    result.push(open[state % open.length].shift() as RecordedEvent);
  }
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Hands out every head frozen: the read stores' AppliedHeads cache gives the runner the very
 * document it applied last, uncopied, so a projection that wrote to its input would corrupt it.
 */
class FreezingStore extends MemoryReadStore {
  override async loadHeads(view: string, orderIds: readonly string[], options: GenerationOptions = {}): Promise<Map<string, OrderHead>> {
    const heads = await super.loadHeads(view, orderIds, options);
    for (const head of heads.values()) deepFreeze(head);
    return heads;
  }
}

/** Everything a view holds, in a stable order, for comparing two stores. */
async function snapshot(store: MemoryReadStore, view: string) {
  const definition = readModelViews.find((candidate) => candidate.name === view);
  if (!definition) throw new Error(`no view ${view}`);
  const heads = await store.loadHeads(view, orders);
  const records: unknown[] = [];
  for (const collection of definition.records) {
    const sortBy = collection.name === PAYMENT_RECORDS ? 'at' : collection.name === AUDIT_EVENTS ? 'recordedAt' : '';
    records.push((await store.findPage({ view, collection: collection.name, sortBy, direction: 'asc', limit: 1000 })).items);
  }
  return { heads: [...heads.entries()].sort(), records };
}

describe('projection runner', () => {
  describe.each(Object.keys(projections))('%s', (name) => {
    const projection = projections[name as keyof typeof projections];

    it('gives the same documents for every event delivered twice and orders interleaved differently', async () => {
      const reference = new MemoryReadStore(readModelViews);
      for (const history of histories) await runProjection(projection, reference, history);
      const expected = await snapshot(reference, name);

      for (const seed of [1, 2, 3]) {
        const store = new MemoryReadStore(readModelViews);
        const delivered = interleave(seed, histories);
        // Batches of 7 cut across orders; then the whole stream again, as after a consumer restart.
        for (let start = 0; start < delivered.length; start += 7) await runProjection(projection, store, delivered.slice(start, start + 7));
        const again = await runProjection(projection, store, interleave(seed + 10, histories));
        expect(again).toMatchObject({ applied: 0, duplicates: 30, gaps: [] });
        expect(await snapshot(store, name)).toEqual(expected);
      }
    });
  });

  it('never writes to the head it is given: every view, event by event, with a revert (heads are shared with the store cache)', async () => {
    const orderId = orderUuid(9);
    const { history, log } = revertedOrderHistory(orderId);
    for (const projection of Object.values(projections)) {
      const store = new FreezingStore(readModelViews);
      // A write to a frozen head throws (these modules are strict), failing the run.
      for (const event of history) await runProjection(projection, store, [deepFreeze(event)], { history: log });
      expect({ view: projection.name, version: (await store.loadHeads(projection.name, [orderId])).get(orderId)?.version }).toEqual({ view: projection.name, version: 10 });
    }
  });

  it('reports a gap with the expected and delivered versions, and applies nothing past it', async () => {
    const store = new MemoryReadStore(readModelViews);
    const [first, second] = histories;
    const stats = await runProjection(projections['order-tracking'], store, [...first.slice(0, 3), ...first.slice(5, 7), ...second.slice(0, 2)]);
    expect(stats.gaps).toHaveLength(1);
    expect(stats.gaps[0]).toBeInstanceOf(ProjectionGapError);
    expect(stats.gaps[0]).toMatchObject({ projection: 'order-tracking', orderId: orders[0], expected: 4, got: 6 });
    expect(stats).toMatchObject({ applied: 5, duplicates: 0, orders: 2 });
    expect((await store.loadHeads('order-tracking', [orders[0]])).get(orders[0])?.version).toBe(3);
    expect(() => assertNoGaps(stats)).toThrow(ProjectionGapError);

    // Refetched from the store, the missing events close the gap.
    const refetched = await runProjection(projections['order-tracking'], store, first.slice(3));
    expect(refetched).toMatchObject({ applied: 7, gaps: [] });
  });

  it('reports a gap for an order whose first delivered event is not its first', async () => {
    const store = new MemoryReadStore(readModelViews);
    const stats = await runProjection(projections.payments, store, histories[0].slice(1, 3));
    expect(stats.gaps.map(({ orderId, expected, got }) => ({ orderId, expected, got }))).toEqual([{ orderId: orders[0], expected: 1, got: 2 }]);
    expect(await store.loadHeads('payments', [orders[0]])).toEqual(new Map());
  });

  it('applies each event once when appliers race on the same batch', async () => {
    const store = new MemoryReadStore(readModelViews);
    const events = histories.flat();
    const runs = await Promise.all([1, 2, 3, 4].map(() => runProjection(projections.audit, store, events)));
    expect(runs.reduce((sum, run) => sum + run.applied, 0)).toBe(30);
    expect(await store.count({ view: 'audit', collection: AUDIT_EVENTS })).toBe(30);
  });
});
