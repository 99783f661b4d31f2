import { randomUUID } from 'node:crypto';
import { MemoryReadStore, readModelViews } from '@ordersource/read-models';
import { eventually } from '@ordersource/testing/eventually';
import type { FastifyRequest } from 'fastify';
import { HeadWatch } from './head-watch';
import { ReadAccess } from './read-access';

/** Counts the store's looks: each `loadHeads` is one query on a real store. */
class CountingStore extends MemoryReadStore {
  readonly looks: string[][] = [];
  override loadHeads(view: string, orderIds: string[]) {
    this.looks.push(orderIds);
    return super.loadHeads(view, orderIds);
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
