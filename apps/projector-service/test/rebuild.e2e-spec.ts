import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { loadConfig } from '@ordersource/platform';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { startProjectorService, type RunningProjectorService } from '../src/bootstrap';
import { appendOrderHistories } from '@ordersource/read-models/rebuild-fixtures';
import { eventually } from '@ordersource/testing/eventually';

/** How long a rebuild suite waits for the log and the views (the rebuild fixtures' old default). */
const SIXTY_SECONDS = { timeoutMs: 60_000 };

const ADMIN = 'adm.k1';
const OPERATOR = 'ops.k2';

describe('projector service: rebuild routes (embedded profile)', () => {
  let db: TestDatabase;
  let service: RunningProjectorService;
  let database: EventStoreDatabase;
  let pg: Client;
  const chainKey = randomBytes(32);

  beforeAll(async () => {
    db = await createTestDatabase('os_projector_e2e');
    service = await startProjectorService(
      {
        ...loadConfig({}),
        databaseUrl: db.url,
        ports: { command: 0, query: 0, projector: 0 },
        apiKeys: `${ADMIN}=admin,${OPERATOR}=operator`,
        chainKey: chainKey.toString('base64'),
        masterKey: randomBytes(32).toString('base64'),
        logLevel: process.env.E2E_LOG_LEVEL ?? 'silent',
      },
      { host: '127.0.0.1' },
    );
    database = await openEventStoreDatabase({ url: db.url, chainKey });
    await appendOrderHistories(new PostgresEventStore(database), 300);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  }, 60_000);

  afterAll(async () => {
    await pg?.end();
    await service?.close();
    await database?.close();
    await db?.drop();
  });

  const call = async (method: string, path: string, body?: unknown, key: string = ADMIN) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

  it('rebuilds a view in the background: 202 with an id, then progress up to swapped', async () => {
    const started = await call('POST', '/projections/order-tracking/rebuild');
    expect(started.status).toBe(202);
    expect(started.body.rebuildId).toMatch(/^[0-9a-f-]{36}$/);
    let progress = await call('GET', '/projections/order-tracking/rebuild');
    await eventually('the rebuild swapped', async () => {
      progress = await call('GET', '/projections/order-tracking/rebuild');
      return progress.body.status === 'swapped';
    }, SIXTY_SECONDS);
    expect(progress.body).toMatchObject({ rebuildId: started.body.rebuildId, status: 'swapped', etaSeconds: 0 });
    expect(progress.body.processed).toBeGreaterThanOrEqual(progress.body.total);
    expect(progress.body.total).toBeGreaterThan(300);
    expect(typeof progress.body.differences).toBe('number');
  });

  it('verifies without switching: status verified with zero differences', async () => {
    const started = await call('POST', '/projections/payments/rebuild', { verifyOnly: true });
    expect(started.status).toBe(202);
    let progress = await call('GET', '/projections/payments/rebuild');
    await eventually('the verification ended', async () => {
      progress = await call('GET', '/projections/payments/rebuild');
      return progress.body.status === 'verified';
    }, SIXTY_SECONDS);
    expect(progress.body).toMatchObject({ rebuildId: started.body.rebuildId, differences: 0, differingIds: [] });
  });

  it('answers 409 while a rebuild of the view runs anywhere in the cluster', async () => {
    // Another instance (or the replay CLI) holds the view's rebuild lock.
    await pg.query("SELECT pg_advisory_lock(hashtext('ordersource:rebuild:shipping'))");
    try {
      const answer = await call('POST', '/projections/shipping/rebuild', {});
      expect(answer.status).toBe(409);
      expect(answer.body.type).toMatch(/rebuild-running$/);
    } finally {
      await pg.query("SELECT pg_advisory_unlock(hashtext('ordersource:rebuild:shipping'))");
    }
  });

  it('answers 404 for an unknown view, 400 for a bad body, 403 for a non-admin', async () => {
    expect((await call('POST', '/projections/nope/rebuild')).status).toBe(404);
    expect((await call('GET', '/projections/nope/rebuild')).status).toBe(404);
    expect((await call('GET', '/projections/audit/rebuild')).status).toBe(404);
    const bad = await call('POST', '/projections/audit/rebuild', { verifyOnly: 'yes', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['extra', 'verifyOnly']);
    expect((await call('POST', '/projections/audit/rebuild', undefined, OPERATOR)).status).toBe(403);
  });
});
