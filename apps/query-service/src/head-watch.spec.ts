import { randomUUID } from 'node:crypto';
import { MemoryReadStore, readModelViews, type PageQuery } from '@ordersource/read-models';
import { eventually } from '@ordersource/testing/eventually';
import type { FastifyRequest } from 'fastify';
import { HeadWatch } from './head-watch';
import { ReadAccess } from './read-access';

/** Counts the store's looks and searches: each `loadHeads` or `findPage` is one query on a real store. */
class CountingStore extends MemoryReadStore {
  readonly looks: string[][] = [];
  searches = 0;
  override loadHeads(view: string, orderIds: string[]) {
    this.looks.push(orderIds);
    return super.loadHeads(view, orderIds);
  }
  // Counted once answered: the read parks in the same turn, so a count the test sees means it is parked.
  override findPage(query: PageQuery) {
    return super.findPage(query).then((page) => ((this.searches += 1), page));
  }
}

const VIEW = 'order-tracking';
// Longer than any wait here: only progress wakes a parked read, unless a test says otherwise.
const NO_FALLBACK = 600_000;
const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;
const waitFor = (minVersion: number, waitMs = 10_000) => request({ 'x-min-version': String(minVersion), 'x-wait-ms': String(waitMs) });

async function setUp(fallbackPollMs = NO_FALLBACK) {
  const store = new CountingStore(readModelViews);
  await store.ensureViews();
  const watch = new HeadWatch(store, fallbackPollMs);
  return { store, watch, access: new ReadAccess(store, watch) };
}

async function project(store: MemoryReadStore, orderIds: readonly string[], version: number): Promise<void> {
  await store.applyChanges(
    VIEW,
    orderIds.map((orderId) => ({ orderId, expectedVersion: version - 1, version, head: { orderId, version } as never, records: [] })),
  );
}

/** Lets the parked reads reach their `next` (each awaits its own first look before parking). */
async function parked(store: CountingStore, looks: number): Promise<void> {
  await eventually(() => `${looks} looks (seen ${store.looks.length})`, () => store.looks.length >= looks, { everyMs: 0 });
  await new Promise((resolve) => setImmediate(resolve));
}

describe('parked X-Min-Version reads woken by the views progress', () => {
  it.each([1, 50])('cost one look per progress that names them, none for other orders, with %i parked reads', async (reads) => {
    const { store, watch, access } = await setUp();
    const ids = Array.from({ length: reads }, () => randomUUID());
    const answers = Promise.all(ids.map((id) => access.head(VIEW, id, waitFor(1))));
    await parked(store, reads);
    const onArrival = store.looks.length;

    // The projector is busy with other orders: 20 batches, none concerning a parked read.
    for (let batch = 0; batch < 20; batch += 1) watch.progress({ view: VIEW, orderIds: [randomUUID(), randomUUID()] });
    watch.progress({ view: 'payments', orderIds: ids });
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.looks.length - onArrival).toBe(0);

    await project(store, ids, 1);
    watch.progress({ view: VIEW, orderIds: ids });
    const heads = await answers;

    // Issue 17: each read polled on its own (some 1,000 queries for 50 reads over 0.5 s);
    // here one look answered them all, whatever their number.
    expect(heads.map((head) => head?.version)).toEqual(ids.map(() => 1));
    expect(store.looks.length - onArrival).toBe(1);
    expect(store.looks.at(-1)?.sort()).toEqual([...ids].sort());
  });

  it('wakes a read when the view reaches its version, not at an earlier version', async () => {
    const { store, watch, access } = await setUp();
    const orderId = randomUUID();
    let answered = false;
    const answer = access.head(VIEW, orderId, waitFor(3)).finally(() => (answered = true));
    await parked(store, 1);

    for (const version of [1, 2]) {
      await project(store, [orderId], version);
      watch.progress({ view: VIEW, orderIds: [orderId] });
      await parked(store, 1 + version);
      expect(answered).toBe(false);
    }
    await project(store, [orderId], 3);
    watch.progress({ view: VIEW, orderIds: [orderId] });

    expect((await answer)?.version).toBe(3);
    expect(store.looks).toHaveLength(4);
  });

  it('looks at once when progress was heard between its own read and parking (no lost wake-up)', async () => {
    const { store, watch } = await setUp();
    const orderId = randomUUID();
    const mark = watch.mark();
    await project(store, [orderId], 1);
    watch.progress({ view: VIEW, orderIds: [orderId] }); // heard while nobody was parked yet

    const look = await watch.next(VIEW, orderId, mark, Date.now() + 20_000);

    expect(look?.head?.version).toBe(1);
    expect(store.looks).toHaveLength(1);
  });

  it('looks at every parked read after a notification that names no orders or a reconnect', async () => {
    const { store, watch } = await setUp();
    const ids = [randomUUID(), randomUUID()];
    const looks = Promise.all(ids.map((id) => watch.next(VIEW, id, watch.mark(), Date.now() + 20_000)));
    await project(store, ids, 1);

    watch.progress(undefined);

    expect((await looks).map((look) => look?.head?.version)).toEqual([1, 1]);
    expect(store.looks).toHaveLength(1);
  });

  it('finds a read whose notification was lost at the slow fallback poll', async () => {
    const { store, access } = await setUp(50);
    const orderId = randomUUID();
    const answer = access.head(VIEW, orderId, waitFor(1));
    await parked(store, 1);

    await project(store, [orderId], 1); // and no progress is heard

    expect((await answer)?.version).toBe(1);
  });

  it('unparks a read at its deadline: later progress looks at nothing', async () => {
    const { store, watch, access } = await setUp();
    const orderId = randomUUID();

    await expect(access.head(VIEW, orderId, waitFor(1, 30))).rejects.toMatchObject({ status: 503 });
    watch.progress({ view: VIEW, orderIds: [orderId] });
    watch.progress(undefined);
    await new Promise((resolve) => setImmediate(resolve));

    expect(store.looks).toHaveLength(1); // its own first read only
  });
});

describe('parked by-number reads (GET /orders/by-number/{n} with X-Min-Version) woken by the views progress', () => {
  const admin = { role: 'admin' as const, subject: 'adm' };
  const customerA = { role: 'customer' as const, subject: 'cust-a', customerId: 'cust-a' };

  /** Places orders in the tracking view, numbered, as the projector's batch would. */
  async function place(store: MemoryReadStore, orders: { orderId: string; orderNumber: string; customerId: string }[]): Promise<void> {
    await store.applyChanges(
      VIEW,
      orders.map((order) => ({ orderId: order.orderId, expectedVersion: 0, version: 1, head: { ...order, version: 1, status: 'PLACED', placedAt: '2026-01-01T00:00:00.000Z' } as never, records: [] })),
    );
  }
  const numbered = (n: number, customerId = 'cust-a') => ({ orderId: randomUUID(), orderNumber: `OS-2026-${String(n).padStart(6, '0')}`, customerId });

  it('costs one look per batch of the view, not a query per parked read, and answers each read once its number is placed', async () => {
    const { store, watch, access } = await setUp();
    const orders = Array.from({ length: 20 }, (_, i) => numbered(i + 1));
    const answers = Promise.all(orders.map((order) => access.documentByNumber(order.orderNumber, waitFor(1), admin)));
    await eventually('every read searched once', () => store.searches >= orders.length, { everyMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));

    // The projector is busy with other orders: 5 batches, each looked at once for all 20 reads.
    for (let batch = 0; batch < 5; batch += 1) {
      const others = [numbered(1000 + batch)];
      await place(store, others);
      watch.progress({ view: VIEW, orderIds: others.map((order) => order.orderId) });
      await eventually(() => `batch ${batch} looked at`, () => store.looks.length === batch + 1, { everyMs: 0 });
    }
    await place(store, orders);
    watch.progress({ view: VIEW, orderIds: orders.map((order) => order.orderId) });
    const documents = await answers;

    expect(documents.map((document) => [document.orderId, document.orderNumber])).toEqual(orders.map((order) => [order.orderId, order.orderNumber]));
    // The old 100 ms poll ran one search per read per tick; here the reads searched once each.
    expect(store.searches).toBe(orders.length);
    expect(store.looks.slice(0, 6).map((look) => look.length)).toEqual([1, 1, 1, 1, 1, orders.length]);
  });

  it("never wakes a customer's read for another customer's order with that number: 503 at X-Wait-Ms, as for an unknown number", async () => {
    const { store, watch, access } = await setUp();
    const foreign = numbered(7, 'cust-b');
    const answer = access.documentByNumber(foreign.orderNumber, waitFor(1, 300), customerA);
    await eventually('the read searched', () => store.searches >= 1, { everyMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    await place(store, [foreign]);
    watch.progress({ view: VIEW, orderIds: [foreign.orderId] });

    await expect(answer).rejects.toMatchObject({ status: 503 });
    expect(store.looks).toEqual([[foreign.orderId]]);
    expect(store.searches).toBe(1);
  });

  it('spends one X-Wait-Ms on the search and the version wait together: a number found late still answers 503 at its deadline', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { store, watch, access } = await setUp();
      const order = numbered(11);
      let outcome: unknown;
      // Version 2 is asked; the order arrives at version 1 after 300 of the 400 ms.
      const answer = access.documentByNumber(order.orderNumber, waitFor(2, 400), admin).then(
        () => (outcome = 'answered'),
        (error: { status?: number }) => (outcome = error.status),
      );
      await eventually('the read searched', () => store.searches >= 1, { everyMs: 0 });
      await jest.advanceTimersByTimeAsync(300);
      await place(store, [order]);
      watch.progress({ view: VIEW, orderIds: [order.orderId] });
      await jest.advanceTimersByTimeAsync(99);
      expect(outcome).toBeUndefined();
      // At the request's 400 ms, not 300 + another 400 (it waited twice before).
      await jest.advanceTimersByTimeAsync(2);
      expect(outcome).toBe(503);
      await answer;
    } finally {
      // Whatever is still parked settles before real timers come back.
      await jest.advanceTimersByTimeAsync(1000);
      jest.useRealTimers();
    }
  });

  it('searches again after a notification that names no orders, a reconnect, or progress heard before parking', async () => {
    const { store, watch } = await setUp();
    const where = [{ field: 'orderNumber', op: 'eq' as const, value: 'OS-2026-000001' }];
    const stale = watch.mark();
    watch.progress({ view: VIEW, orderIds: [randomUUID()] });
    expect(await watch.search(VIEW, where, stale, Date.now() + 20_000)).toBe('search-again');

    const unnamed = watch.search(VIEW, where, watch.mark(), Date.now() + 20_000);
    watch.progress({ view: VIEW });
    expect(await unnamed).toBe('search-again');

    const reconnected = watch.search(VIEW, where, watch.mark(), Date.now() + 20_000);
    watch.progress(undefined);
    expect(await reconnected).toBe('search-again');
    expect(store.looks).toEqual([]);
  });

  it('searches again at the slow fallback poll when the notification was lost', async () => {
    const { store, access } = await setUp(50);
    const order = numbered(9);
    const answer = access.documentByNumber(order.orderNumber, waitFor(1), admin);
    await eventually('the read searched', () => store.searches >= 1, { everyMs: 0 });

    await place(store, [order]); // and no progress is heard

    expect((await answer).orderId).toBe(order.orderId);
  });
});
