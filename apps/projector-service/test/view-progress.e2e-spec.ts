import { decodeViewProgress, PostgresReadStore, projections, readModelViews, VIEW_PROGRESS_CHANNEL, type ViewProgress } from '@ordersource/read-models';
import { appendOrderHistories } from '@ordersource/read-models/rebuild-fixtures';
import { eventually } from '@ordersource/testing/eventually';
import { startProjectorHarness, type ProjectorServiceHarness } from './projector-service.harness';

/**
 * The projector's half of read-your-writes wake-ups (issue 17): after each batch it committed
 * to a view it NOTIFYs the orders it moved, and a listener that then reads the view sees them.
 */
describe('projector service: view progress notifications (embedded profile)', () => {
  let projector: ProjectorServiceHarness;
  const heard: { progress: ViewProgress; seenInView: number }[] = [];

  beforeAll(async () => {
    projector = await startProjectorHarness('os_projector_progress');
    const views = new PostgresReadStore(projector.database.pool, readModelViews);
    const listener = projector.pg;
    listener.on('notification', (message) => {
      const progress = decodeViewProgress(message.payload);
      if (!progress?.orderIds) return;
      // Read the view as a woken query service would, at once: the batch must be visible.
      void views.loadHeads(progress.view, [...progress.orderIds]).then((heads) => heard.push({ progress, seenInView: heads.size }));
    });
    await listener.query(`LISTEN ${VIEW_PROGRESS_CHANNEL}`);
  }, 60_000);

  afterAll(() => projector?.stop());

  it('names every order of every view after the batch is visible there', async () => {
    const appended = await appendOrderHistories(projector.eventStore, 12);
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
