import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { openEventStoreDatabase, type EventStoreDatabase } from '@ordersource/event-store';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import type { AlertRule, FiringCondition } from './alert';
import { AlertEvaluator } from './evaluator';
import { PostgresAlertStore } from './postgres/alert-store';
import { monitoringMigrations } from './postgres/migrations';
import { WebhookSender } from './webhook/webhook-sender';

const SECRET = 'webhook-test-secret';

/** Polls until `probe` holds or the deadline passes (never a fixed sleep). */
async function eventually<T>(probe: () => Promise<T | undefined | false>, deadlineMs = 20_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A webhook receiver that checks each signature as a real one would, failing on demand. */
class TestReceiver {
  readonly received: { body: Record<string, unknown>; validSignature: boolean }[] = [];
  failuresLeft = 0;
  attempts = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        this.attempts++;
        if (this.failuresLeft > 0) {
          this.failuresLeft--;
          response.writeHead(503).end();
          return;
        }
        const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
        const given = Buffer.from(String(request.headers['x-ordersource-signature'] ?? ''));
        this.received.push({ body: JSON.parse(body) as Record<string, unknown>, validSignature: given.length === expected.length && timingSafeEqual(given, expected) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/alerts`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('the alert evaluator and its webhook', () => {
  let db: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresAlertStore;
  const receiver = new TestReceiver();
  let webhookUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase('os_alert_leader');
    database = await openEventStoreDatabase({ url: db.url, chainKey: 'alerts-chain-key-0123456789abcdef', extraMigrations: monitoringMigrations, poolSize: 6 });
    store = new PostgresAlertStore(database.pool);
    webhookUrl = await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
    await database.close();
    await db.drop();
  });

  /** A rule whose condition the test switches, counting who evaluated it. */
  function switchRule(holding: () => FiringCondition[], calls: { count: number }): AlertRule {
    return {
      name: 'events-parked',
      severity: 'warning',
      evaluate: async () => {
        calls.count++;
        return holding();
      },
    };
  }

  it('acts in exactly one of two running instances, fires once, and the other takes over when the first stops', async () => {
    let condition: FiringCondition[] = [{ subject: 'order-tracking', summary: 'parked', value: 1, threshold: 0 }];
    const callsA = { count: 0 };
    const callsB = { count: 0 };
    const make = (calls: { count: number }) =>
      new AlertEvaluator({ url: db.url, pool: database.pool, store, rules: [switchRule(() => condition, calls)], intervalMs: 30, lockName: 'test-alert-leader' });
    const a = make(callsA);
    const b = make(callsB);
    a.start();
    b.start();
    try {
      await eventually(async () => callsA.count + callsB.count >= 10);
      const [leader, follower, leaderCalls, followerCalls] = a.isLeader ? [a, b, callsA, callsB] : [b, a, callsB, callsA];
      expect(leader.isLeader).toBe(true);
      expect(follower.isLeader).toBe(false);
      expect(followerCalls.count).toBe(0);
      expect(leaderCalls.count).toBeGreaterThanOrEqual(10);
      expect((await store.page({ rule: 'events-parked', limit: 10 })).items).toEqual([expect.objectContaining({ subject: 'order-tracking', state: 'firing' })]);

      await leader.stop();
      await eventually(async () => follower.isLeader);
      condition = [];
      await eventually(async () => (await store.page({ state: 'resolved', rule: 'events-parked', limit: 10 })).items.length === 1);
      expect(followerCalls.count).toBeGreaterThan(0);
      expect((await store.page({ rule: 'events-parked', limit: 10 })).items).toHaveLength(1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('POSTs every fire and resolve signed with the secret, retrying with back-off until a 2xx, and a restarted sender delivers what is still owed', async () => {
    const rule: AlertRule = { name: 'integrity-broken', severity: 'critical', evaluate: async () => holding };
    let holding: FiringCondition[] = [{ subject: '0b7f1f6e-6f43-4a43-9d3c-1f2a4c5b6d7e', summary: 'chain broken' }];
    const evaluator = new AlertEvaluator({ url: db.url, pool: database.pool, store, rules: [rule], intervalMs: 1000 });
    receiver.failuresLeft = 2;
    const sender = new WebhookSender(database.pool, { url: webhookUrl, secret: SECRET, baseBackoffMs: 20, maxBackoffMs: 100 });

    // Only this test's deliveries: the outbox rows of the leader test are settled here.
    await database.pool.query('UPDATE alert_deliveries SET delivered_at = now()');
    const fired = (await evaluator.evaluateOnce()).fired[0];
    expect(await sender.deliverDue()).toBe(0); // 503: retried later
    const { rows } = await database.pool.query<{ attempts: number; last_error: string }>('SELECT attempts, last_error FROM alert_deliveries WHERE delivered_at IS NULL');
    expect(rows).toEqual([{ attempts: 1, last_error: 'HTTP 503' }]);

    // A restart: a new sender on the same outbox keeps retrying what the first one owed.
    const restarted = new WebhookSender(database.pool, { url: webhookUrl, secret: SECRET, baseBackoffMs: 20, maxBackoffMs: 100 });
    await eventually(async () => (await restarted.deliverDue()) === 1);
    expect(receiver.attempts).toBe(3);
    const delivered = await database.pool.query<{ attempts: number }>('SELECT attempts FROM alert_deliveries WHERE alert_id = $1', [fired.alertId]);
    expect(delivered.rows).toEqual([{ attempts: 3 }]);
    expect(receiver.received).toEqual([{ body: expect.objectContaining({ alertId: fired.alertId, state: 'firing', rule: 'integrity-broken', severity: 'critical' }), validSignature: true }]);

    holding = [];
    await evaluator.evaluateOnce();
    await eventually(async () => (await restarted.deliverDue()) === 1);
    expect(receiver.received.map(({ body, validSignature }) => `${String(body.alertId)} ${String(body.state)} ${validSignature}`)).toEqual([
      `${fired.alertId} firing true`,
      `${fired.alertId} resolved true`,
    ]);
    expect(receiver.received[1].body.resolvedAt).toEqual(expect.any(String));
    expect(await restarted.deliverDue()).toBe(0);
  });

  it('a receiver checking with its secret rejects a body signed with another one', async () => {
    receiver.failuresLeft = 0;
    await database.pool.query('UPDATE alert_deliveries SET delivered_at = now()');
    const rule: AlertRule = { name: 'projection-lagging', severity: 'warning', evaluate: async () => [{ subject: 'audit', summary: 'behind', value: 90, threshold: 60 }] };
    await new AlertEvaluator({ url: db.url, pool: database.pool, store, rules: [rule], intervalMs: 1000 }).evaluateOnce();
    const before = receiver.received.length;
    expect(await new WebhookSender(database.pool, { url: webhookUrl, secret: 'not-the-receivers-secret' }).deliverDue()).toBe(1);
    expect(receiver.received.slice(before)).toEqual([{ body: expect.objectContaining({ rule: 'projection-lagging', state: 'firing' }), validSignature: false }]);
  });
});
