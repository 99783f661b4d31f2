import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PostgresEventStore, openEventStoreDatabase, type EventStoreDatabase, type NewEvent } from '@ordersource/event-store';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';

/**
 * Payment deadlines (API.md "Deadlines", issue 13) under a race: two command-service processes
 * with ORDER_PAYMENT_TIMEOUT_SECONDS set, 1,000 unpaid orders (some after a failed payment) and
 * 200 authorized in time, one instance SIGKILLed mid-way and started again. Exactly one
 * OrderCancelled per unpaid order, by `system:payment-timeout`, and none of an authorized one.
 */
const UNPAID = 1000;
const FAILED = 100; // of the unpaid: a failed payment is still unpaid
const AUTHORIZED = 200;
const TIMEOUT_SECONDS = 3;
const CHILD = join(__dirname, 'support', 'deadline-instance.child.ts');

jest.setTimeout(600_000);

const masterKey = randomBytes(32).toString('hex');
const chainKey = randomBytes(32).toString('hex');

function startInstance(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', CHILD], {
    cwd: join(__dirname, '../../..'),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ORDERSOURCE_MASTER_KEY: masterKey,
      ORDERSOURCE_CHAIN_KEY: chainKey,
      API_KEYS: 'adm.k1=admin',
      ORDER_PAYMENT_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
      COMMAND_PORT: '0',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready ')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code} before it was ready: ${errors}`)));
  });
}

async function eventually(probe: () => Promise<boolean>, what: string, deadlineMs = 300_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function placed(orderId: string, n: number): NewEvent {
  const now = new Date().toISOString();
  return {
    type: 'OrderPlaced',
    schemaVersion: 1,
    data: {
      orderId,
      customerId: `customer-${n % 50}`,
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 1000 }],
      total: 1000,
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'DE' },
    },
    metadata: { correlationId: 'seed', causationId: 'seed', actor: 'operator:seed', customerId: `customer-${n % 50}` },
    occurredAt: now,
  };
}

const followUp = (type: 'PaymentAuthorized' | 'PaymentFailed', orderId: string): NewEvent => ({
  type,
  schemaVersion: 1,
  data: type === 'PaymentAuthorized' ? { orderId, amount: 1000, method: 'card' } : { orderId, reason: 'declined', method: 'card' },
  metadata: { correlationId: 'seed', causationId: 'seed', actor: 'operator:seed' },
  occurredAt: new Date().toISOString(),
});

describe('payment deadlines with two instances racing and one killed mid-way', () => {
  let db: TestDatabase;
  let database: EventStoreDatabase;
  let pg: Client;
  const instances: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('os_deadlines');
    // The first instance migrates; the seeding store opens the same database after it.
    instances.push(await startInstance(db.url));
    instances.push(await startInstance(db.url));
    database = await openEventStoreDatabase({ url: db.url, chainKey: Buffer.from(chainKey, 'hex'), poolSize: 6 });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    for (const child of instances) if (child.exitCode === null) child.kill('SIGKILL');
    await pg?.end();
    await database?.close();
    await db?.drop();
  });

  it('cancels every unpaid order exactly once and no order that was authorized in time', async () => {
    const store = new PostgresEventStore(database);
    const unpaid = Array.from({ length: UNPAID }, () => randomUUID());
    const authorized = Array.from({ length: AUTHORIZED }, () => randomUUID());
    const work = [...unpaid.map((id, n) => ({ id, n, then: n < FAILED ? ('PaymentFailed' as const) : undefined })), ...authorized.map((id, n) => ({ id, n, then: 'PaymentAuthorized' as const }))];
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let item = work[next++]; item; item = work[next++]) {
          await store.appendToStream(`order-${item.id}`, 'no_stream', [placed(item.id, item.n), ...(item.then ? [followUp(item.then, item.id)] : [])]);
        }
      }),
    );

    const cancellations = async () =>
      Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE type = 'OrderCancelled'`)).rows[0].n);
    await eventually(async () => (await cancellations()) >= 300, '300 cancellations');
    instances[0].kill('SIGKILL');
    await new Promise((resolve) => instances[0].once('exit', resolve));
    const killedAt = await cancellations();
    expect(killedAt).toBeLessThan(UNPAID);
    instances.push(await startInstance(db.url)); // a restart, racing the survivor again

    await eventually(async () => {
      const { rows } = await pg.query<{ pending: string; total: string }>(`SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) AS total FROM payment_deadlines`);
      return rows[0].total === String(UNPAID + AUTHORIZED) && rows[0].pending === '0';
    }, 'every deadline settled');

    const cancelled = await pg.query<{ stream_id: string; n: string; actors: string[] }>(
      `SELECT stream_id, count(*) AS n, array_agg(DISTINCT metadata->>'actor') AS actors FROM events WHERE type = 'OrderCancelled' GROUP BY stream_id`,
    );
    expect(cancelled.rows).toHaveLength(UNPAID);
    expect(cancelled.rows.filter((row) => row.n !== '1')).toEqual([]);
    expect(new Set(cancelled.rows.flatMap((row) => row.actors))).toEqual(new Set(['system:payment-timeout']));
    expect(new Set(cancelled.rows.map((row) => row.stream_id))).toEqual(new Set(unpaid.map((id) => `order-${id}`)));

    const rows = await pg.query<{ order_id: string; state: string; outcome: string }>('SELECT order_id, state, outcome FROM payment_deadlines');
    const deadline = new Map(rows.rows.map((row) => [row.order_id, row]));
    // An authorized order's deadline settles as paid (the feed saw it first) or refused by the decider.
    expect(authorized.filter((id) => !['paid', 'refused'].includes(deadline.get(id)?.state ?? ''))).toEqual([]);
    // An unpaid one: cancelled by this deadline, or, asked again across the kill, found already cancelled.
    const unsettled = unpaid.filter((id) => {
      const row = deadline.get(id);
      return !(row?.state === 'cancelled' || row?.state === 'closed' || (row?.state === 'refused' && row.outcome === 'order-cancelled'));
    });
    expect(unsettled).toEqual([]);
    const workers = await pg.query<{ n: string }>(`SELECT count(DISTINCT claimed_by) AS n FROM payment_deadlines WHERE state = 'cancelled'`);
    expect(Number(workers.rows[0].n)).toBeGreaterThanOrEqual(2);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: true });
  });
});
