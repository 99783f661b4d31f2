import { appendOrderHistories } from '@ordersource/read-models/rebuild-fixtures';
import { eventually } from '@ordersource/testing/eventually';
import { keys, startProjectorHarness, type ProjectorServiceHarness } from './projector-service.harness';

/** How long a rebuild suite waits for the log and the views (the rebuild fixtures' old default). */
const SIXTY_SECONDS = { timeoutMs: 60_000 };

describe('projector service: rebuild routes (embedded profile)', () => {
  let projector: ProjectorServiceHarness;

  beforeAll(async () => {
    projector = await startProjectorHarness('os_projector_e2e');
    await appendOrderHistories(projector.eventStore, 300);
  }, 60_000);

  afterAll(() => projector?.stop());

  it('rebuilds a view in the background: 202 with an id, then progress up to swapped', async () => {
    const started = await projector.call('POST', '/projections/order-tracking/rebuild');
    expect(started.status).toBe(202);
    expect(started.body.rebuildId).toMatch(/^[0-9a-f-]{36}$/);
    let progress = await projector.call('GET', '/projections/order-tracking/rebuild');
    await eventually('the rebuild swapped', async () => {
      progress = await projector.call('GET', '/projections/order-tracking/rebuild');
      return progress.body.status === 'swapped';
    }, SIXTY_SECONDS);
    expect(progress.body).toMatchObject({ rebuildId: started.body.rebuildId, status: 'swapped', etaSeconds: 0 });
    expect(progress.body.processed).toBeGreaterThanOrEqual(progress.body.total);
    expect(progress.body.total).toBeGreaterThan(300);
    expect(typeof progress.body.differences).toBe('number');
  });

  it('verifies without switching: status verified with zero differences', async () => {
    const started = await projector.call('POST', '/projections/payments/rebuild', { body: { verifyOnly: true } });
    expect(started.status).toBe(202);
    let progress = await projector.call('GET', '/projections/payments/rebuild');
    await eventually('the verification ended', async () => {
      progress = await projector.call('GET', '/projections/payments/rebuild');
      return progress.body.status === 'verified';
    }, SIXTY_SECONDS);
    expect(progress.body).toMatchObject({ rebuildId: started.body.rebuildId, differences: 0, differingIds: [] });
  });

  it('answers 409 while a rebuild of the view runs anywhere in the cluster', async () => {
    // Another instance (or the replay CLI) holds the view's rebuild lock.
    await projector.pg.query("SELECT pg_advisory_lock(hashtext('ordersource:rebuild:shipping'))");
    try {
      const answer = await projector.call('POST', '/projections/shipping/rebuild', { body: {} });
      expect(answer.status).toBe(409);
      expect(answer.body.type).toMatch(/rebuild-running$/);
    } finally {
      await projector.pg.query("SELECT pg_advisory_unlock(hashtext('ordersource:rebuild:shipping'))");
    }
  });

  it('answers 404 for an unknown view, 400 for a bad body, 403 for a non-admin', async () => {
    expect((await projector.call('POST', '/projections/nope/rebuild')).status).toBe(404);
    expect((await projector.call('GET', '/projections/nope/rebuild')).status).toBe(404);
    expect((await projector.call('GET', '/projections/audit/rebuild')).status).toBe(404);
    const bad = await projector.call('POST', '/projections/audit/rebuild', { body: { verifyOnly: 'yes', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['extra', 'verifyOnly']);
    expect((await projector.call('POST', '/projections/audit/rebuild', { key: keys.operator })).status).toBe(403);
  });
});
