import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { loadConfig } from '@ordersource/platform';
import { decodeViewProgress, PostgresReadStore, projections, readModelViews, VIEW_PROGRESS_CHANNEL, type ViewProgress } from '@ordersource/read-models';
import { appendOrderHistories } from '@ordersource/read-models/rebuild-fixtures';
import { eventually } from '@ordersource/testing/eventually';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { startProjectorService, type RunningProjectorService } from '../src/bootstrap';

/**
 * The projector's half of read-your-writes wake-ups (issue 17): after each batch it committed
 * to a view it NOTIFYs the orders it moved, and a listener that then reads the view sees them.
 */
describe('projector service: view progress notifications (embedded profile)', () => {
  let db: TestDatabase;
  let service: RunningProjectorService;
  let database: EventStoreDatabase;
  let listener: Client;
  const chainKey = randomBytes(32);
  const heard: { progress: ViewProgress; seenInView: number }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('os_projector_progress');
    service = await startProjectorService(
      {
        ...loadConfig({}),
        databaseUrl: db.url,
        ports: { command: 0, query: 0, projector: 0 },
        apiKeys: 'adm.k1=admin',
        chainKey: chainKey.toString('base64'),
        masterKey: randomBytes(32).toString('base64'),
        logLevel: process.env.E2E_LOG_LEVEL ?? 'silent',
      },
      { host: '127.0.0.1' },
    );
    database = await openEventStoreDatabase({ url: db.url, chainKey });
    const views = new PostgresReadStore(database.pool, readModelViews);
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (message) => {
      const progress = decodeViewProgress(message.payload);
      if (!progress?.orderIds) return;
      // Read the view as a woken query service would, at once: the batch must be visible.
      void views.loadHeads(progress.view, [...progress.orderIds]).then((heads) => heard.push({ progress, seenInView: heads.size }));
    });
    await listener.query(`LISTEN ${VIEW_PROGRESS_CHANNEL}`);
  }, 60_000);

  afterAll(async () => {
    await listener?.end();
    await service?.close();
    await database?.close();
    await db?.drop();
  });

  it('names every order of every view after the batch is visible there', async () => {
    const appended = await appendOrderHistories(new PostgresEventStore(database), 12);
    const views = Object.values(projections).map((projection) => projection.view.name);

    const named = await eventually(
      () => `every view to name the ${appended.size} orders (heard ${heard.length} notifications)`,
      () => {
        const byView = new Map(views.map((view) => [view, new Set(heard.filter((h) => h.progress.view === view).flatMap((h) => h.progress.orderIds ?? []))]));
        return views.every((view) => [...appended.keys()].every((orderId) => byView.get(view)?.has(orderId))) && byView;
      },
      { timeoutMs: 60_000 },
    );

    expect([...named.keys()].sort()).toEqual([...views].sort());
    expect(heard.every((h) => h.seenInView === h.progress.orderIds?.length)).toBe(true);
  }, 90_000);
});
