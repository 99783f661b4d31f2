import { randomBytes, randomUUID } from 'node:crypto';
import { EventStoreDatabase, openEventStoreDatabase } from '@ordersource/event-store';
import { PageQuery, ReadStore, ViewProgressListener, ViewReader, ViewProgressPublisher, openReadStore, readModelMigrations } from '@ordersource/read-models';
import { eventually } from '@ordersource/testing/eventually';
import { TestDatabase, createTestDatabase } from '@ordersource/testing/postgres';
import type { FastifyRequest } from 'fastify';
import { Client } from 'pg';
import { HeadWatch } from './head-watch';
import { ReadAccess } from './read-access';

/**
 * X-Min-Version waits on real PostgreSQL: the projector's NOTIFY after a committed batch, the
 * query service's LISTEN, the PostgreSQL read store. The fallback poll is set longer than any
 * wait, so only a notification can wake a read here; every look is one query, counted.
 */
const VIEW = 'order-tracking';
const NO_FALLBACK = 600_000;
const request = (minVersion: number) => ({ headers: { 'x-min-version': String(minVersion), 'x-wait-ms': '10000' } }) as unknown as FastifyRequest;

describe('X-Min-Version waits woken by LISTEN/NOTIFY', () => {
  let db: TestDatabase;
  let database: EventStoreDatabase;
  let store: ReadStore;
  let publisher: ViewProgressPublisher;
  let listener: ViewProgressListener;
  const looks: string[][] = [];
  let searches = 0;
  let heard = 0;
  let access: ReadAccess;

  beforeAll(async () => {
    db = await createTestDatabase('os_progress');
    database = await openEventStoreDatabase({ url: db.url, chainKey: randomBytes(32), extraMigrations: readModelMigrations, poolSize: 4 });
    store = await openReadStore('embedded', { pool: database.pool });
    // Counted once answered: a read parks in the same turn as its look answers, so a count seen
    // by the test means that read is parked (counting at the call raced with parking on a slow machine).
    const counted = {
      loadHeads: (view: string, orderIds: string[]) => store.loadHeads(view, orderIds).then((heads) => (looks.push(orderIds), heads)),
      findPage: (query: PageQuery) => store.findPage(query).then((page) => ((searches += 1), page)),
    };
    const watch = new HeadWatch(counted, NO_FALLBACK);
    access = new ReadAccess(counted as unknown as ViewReader, watch);
    publisher = new ViewProgressPublisher(database.pool, (error) => {
      throw error;
    });
    listener = await ViewProgressListener.start({
      url: db.url,
      reconnectMs: 100,
      onProgress: (progress) => {
        heard += 1;
        watch.progress(progress);
      },
    });
  }, 120_000);

  afterAll(async () => {
    await listener?.stop();
    await store?.close();
    await database?.close();
    await db?.drop();
  });

  async function project(orderIds: readonly string[], version: number): Promise<void> {
    await store.applyChanges(
      VIEW,
      orderIds.map((orderId) => ({ orderId, expectedVersion: version - 1, version, head: { orderId, version } as never, records: [] })),
    );
    publisher.published({ view: VIEW, orderIds });
  }

  it('wakes 50 parked reads with one query after the batch that reached their version, none while other orders move', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const start = looks.length;
    const answers = Promise.all(ids.map((id) => access.head(VIEW, id, request(1))));
    await eventually('every read made its own first look', () => looks.length - start >= ids.length);
    const heardBefore = heard;

    // The projector commits 20 batches of other orders meanwhile.
    for (let batch = 0; batch < 20; batch += 1) await project([randomUUID(), randomUUID()], 1);
    await eventually('the 20 notifications were heard', () => heard - heardBefore >= 20);
    const whileOthersMoved = looks.length - start - ids.length;

    await project(ids, 1);
    const heads = await answers;

    expect(whileOthersMoved).toBe(0);
    expect(heads.map((head) => head?.version)).toEqual(ids.map(() => 1));
    // Issue 17: 50 parked reads cost ~3,800 transactions a second; here one look woke all 50.
    expect(looks.length - start - ids.length).toBe(1);
  }, 60_000);

  it('wakes a by-number read with the look after the batch that placed its order: one search, no polling', async () => {
    const orderId = randomUUID();
    const orderNumber = `OS-2026-${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const [lookedBefore, searchedBefore] = [looks.length, searches];
    const answer = access.documentByNumber(orderNumber, request(1), { role: 'admin', subject: 'adm' });
    await eventually('the read searched', () => searches > searchedBefore);

    // Other orders move first: each batch is one look for the parked search, not a search.
    for (let batch = 0; batch < 3; batch += 1) await project([randomUUID()], 1);
    await eventually('the 3 batches were looked at', () => looks.length - lookedBefore >= 3);
    await store.applyChanges(VIEW, [
      { orderId, expectedVersion: 0, version: 1, head: { orderId, version: 1, orderNumber, customerId: 'cust-a', placedAt: '2026-01-01T00:00:00.000Z' } as never, records: [] },
    ]);
    publisher.published({ view: VIEW, orderIds: [orderId] });

    expect((await answer).orderId).toBe(orderId);
    expect(searches - searchedBefore).toBe(1);
  }, 60_000);

  it('wakes a read only once the view reaches its version', async () => {
    const orderId = randomUUID();
    const start = looks.length;
    const answer = access.head(VIEW, orderId, request(2));
    await eventually('the read made its first look', () => looks.length > start);

    await project([orderId], 1);
    await eventually('the read looked again at version 1 and parked', () => looks.length - start >= 2);
    await project([orderId], 2);

    expect((await answer)?.version).toBe(2);
    expect(looks.length - start).toBe(3);
  }, 60_000);

  it('listens again after its connection is killed and then looks at every parked read', async () => {
    const orderId = randomUUID();
    const start = looks.length;
    const answer = access.head(VIEW, orderId, request(1));
    await eventually('the read made its first look', () => looks.length > start);
    await project([orderId], 1);
    await eventually('the read was woken', () => looks.length - start >= 2);
    expect((await answer)?.version).toBe(1);

    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ordersource-view-progress' AND datname = current_database()");
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await eventually('the listener is back', () => listener.listening, { timeoutMs: 30_000 });

    const next = randomUUID();
    const after = access.head(VIEW, next, request(1));
    await project([next], 1);
    expect((await after)?.version).toBe(1);
  }, 60_000);
});
