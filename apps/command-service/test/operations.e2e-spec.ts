import { connect } from 'node:net';
import { orderStreamId } from '@ordersource/domain';
import { eventually } from '@ordersource/testing/eventually';
import { Client } from 'pg';
import { CommandServiceHarness, commandBodies, commandPaths, drive, orderBody, placeOrder, startHarness } from './command-service.harness';

/** Correlation, health, metrics, OpenAPI, integrity and graceful shutdown over real HTTP. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Metadata {
  correlationId: string;
  causationId: string;
  actor: string;
  requestedAt: string;
}

let harness: CommandServiceHarness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

async function metadataOf(orderId: string, fromVersion = 1): Promise<Metadata[]> {
  const rows = await harness.pg.query<{ metadata: Metadata }>('SELECT metadata FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version', [orderStreamId(orderId), fromVersion]);
  return rows.rows.map((row) => row.metadata);
}

describe('correlation', () => {
  it('echoes a given X-Correlation-Id and stores it, the request id and the actor in every event', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize', 'capture']);

    const answer = await harness.post(commandPaths.cancel(orderId), commandBodies.cancel(), { key: 'ops.k2', headers: { 'x-correlation-id': 'checkout-42' } });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-correlation-id')).toBe('checkout-42');
    const appended = await metadataOf(orderId, 4);
    expect(appended).toHaveLength(2); // OrderCancelled + PaymentRefunded
    for (const metadata of appended) {
      expect(metadata).toEqual(expect.objectContaining({ correlationId: 'checkout-42', causationId: expect.stringMatching(UUID), actor: 'operator:ops', requestedAt: expect.stringMatching(ISO_MS) }));
    }
    expect(appended[0].causationId).toBe(appended[1].causationId);
  });

  it('generates a correlation id when none is given, echoes it and stores it', async () => {
    const answer = await harness.post('/orders', orderBody());

    const correlationId = answer.headers.get('x-correlation-id');
    expect(correlationId).toMatch(UUID);
    expect(await metadataOf(answer.body.orderId)).toEqual([expect.objectContaining({ correlationId, actor: 'admin:adm' })]);
  });

  it('gives every request its own causation id', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize', 'capture', 'ship']);

    const causations = (await metadataOf(orderId)).map((m) => m.causationId);
    expect(new Set(causations).size).toBe(4);
  });
});

describe('health, metrics and docs', () => {
  it('answers live and ready', async () => {
    const live = await harness.get('/health/live', { key: null });
    const ready = await harness.get('/health/ready', { key: null });

    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual([{ name: 'postgres', status: 'ok' }]);
  });

  it('exposes command counts by command and outcome, latency and concurrency retries', async () => {
    const orderId = await placeOrder(harness);
    await harness.post(commandPaths.capture(orderId), undefined);

    const metrics = (await harness.get('/metrics', { key: null })).text;

    expect(metrics).toMatch(/^ordersource_commands_total\{[^}]*command="PlaceOrder"[^}]*outcome="201"[^}]*\} \d+/m);
    expect(metrics).toMatch(/^ordersource_commands_total\{[^}]*command="CapturePayment"[^}]*outcome="409"[^}]*\} \d+/m);
    expect(metrics).toMatch(/^ordersource_command_duration_seconds_bucket\{[^}]*command="PlaceOrder"/m);
    expect(metrics).toMatch(/^# TYPE ordersource_command_concurrency_retries_total counter$/m);
  });

  it('lists every command route in /docs-json', async () => {
    const docs = await harness.get('/docs-json', { key: null });

    const posts = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)
      .filter(([, operations]) => 'post' in operations)
      .map(([path]) => path);
    expect(posts).toEqual(
      expect.arrayContaining([
        '/orders',
        '/orders/{orderId}/payment/authorize',
        '/orders/{orderId}/payment/fail',
        '/orders/{orderId}/payment/capture',
        '/orders/{orderId}/shipment',
        '/orders/{orderId}/shipment/checkpoints',
        '/orders/{orderId}/deliver',
        '/orders/{orderId}/cancel',
        '/orders/{orderId}/refund',
        '/orders/{orderId}/revert',
        '/admin/reverts',
        '/admin/customers/{customerId}/forget',
      ]),
    );
    expect(Object.keys(docs.body.paths)).toContain('/admin/integrity');
  });

  it('reports an intact hash chain for the whole log and for one order', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize']);

    const all = await harness.get('/admin/integrity');
    const one = await harness.get(`/admin/integrity?orderId=${orderId}`);

    expect(all.status).toBe(200);
    expect(all.body).toEqual({ ok: true, checked: await harness.eventCount(), repairs: [] });
    expect(one.body).toEqual({ ok: true, checked: 2, repairs: [] });
  });

  it('answers 503 from /health/ready while PostgreSQL refuses connections, and 200 again after', async () => {
    const { pg, db } = harness;
    // The server's own database (DATABASE_URL): a database cannot lock itself out.
    const server = new Client({ connectionString: process.env.DATABASE_URL });
    await server.connect();
    await server.query(`ALTER DATABASE "${db.name}" WITH ALLOW_CONNECTIONS false`);
    try {
      await pg.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);

      const down = await harness.get('/health/ready', { key: null });

      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('1');
      expect(down.body).toEqual(expect.objectContaining({ type: expect.stringMatching(/\/dependency-down$/), status: 503 }));
    } finally {
      await server.query(`ALTER DATABASE "${db.name}" WITH ALLOW_CONNECTIONS true`);
      await server.end();
    }
    await eventually('ready again', async () => (await harness.get('/health/ready', { key: null })).status === 200, { timeoutMs: 10_000, everyMs: 0 });
  });
});

describe('graceful shutdown', () => {
  let own: CommandServiceHarness;

  beforeAll(async () => {
    own = await startHarness();
  });

  afterAll(async () => {
    await own?.stop();
  });

  it('finishes an in-flight command and refuses new connections', async () => {
    const orderId = await placeOrder(own);
    // Hold the stream row's lock so the cancel's append waits inside its transaction.
    await own.pg.query('BEGIN');
    await own.pg.query('SELECT version FROM streams WHERE stream_id = $1 FOR UPDATE', [orderStreamId(orderId)]);
    const inFlight = own.post(commandPaths.cancel(orderId), commandBodies.cancel());
    await eventually('the append waits for the lock', async () => {
      // Inside a transaction pg_stat_activity's list of backends is the one read first: a backend
      // the service opened since (its pool grows under a loaded CI) would never show. Read afresh.
      await own.pg.query('SELECT pg_stat_clear_snapshot()');
      const waiting = await own.pg.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [own.db.name]);
      return waiting.rowCount === 1;
    }, { timeoutMs: 10_000, everyMs: 0 });

    const closing = own.service.close();
    await eventually('the listener is closed', async () => !(await accepts(own.url)), { timeoutMs: 10_000, everyMs: 0 });
    await own.pg.query('COMMIT');

    const answer = await inFlight;
    await closing;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expect.objectContaining({ orderId, version: 2, status: 'CANCELLED' }));
    expect(await own.streamVersions(orderId)).toEqual([1, 2]);
    expect(await accepts(own.url)).toBe(false);
  });
});

/** Whether a TCP connection to the service's port is accepted. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
