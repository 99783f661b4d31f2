import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { eventually } from '@ordersource/testing/eventually';
// The fault suite runs the stack as `npm start` does: its supervisor, its process specs.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { DatabaseProcessSpec, embeddedDatabaseSpec } from '../../tools/start/embedded-database';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startServiceProcess } from '../../tools/start/service-process';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ProcessSpec, Supervisor } from '../../tools/start/supervisor';
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { HttpClient, httpClient, inBatches, ok } from './support/http';
import { API_KEYS, keys } from './support/keys';
import { DrivenOrder, OrderPlan, expectedViewsOf, planOrder, plannedEvents } from './support/lifecycles';
import { Stack, startStack } from './support/stack';

/**
 * Issue 17's fault suite (embedded profile): the stack `npm start` runs (embedded PostgreSQL and
 * the three services as supervised child processes) under a load of commands, each with an
 * Idempotency-Key and retried by the client as a real client would (the same key, after a
 * network error, a 5xx, a 408 or 409 idempotency-key-in-flight), while the three services and
 * then the PostgreSQL server itself are killed with SIGKILL and restarted by the supervisor. Afterwards every
 * acknowledged command is in the log exactly once, every view equals its order's history, and
 * the hash chain verifies.
 */
const root = resolve(__dirname, '..', '..');
const LANES = 4;
/** Commands acknowledged between two kills: each kill lands in the middle of the load. */
const BETWEEN_KILLS = 12;
const MIN_ORDERS = 16;
/** Orders placed after the distributed views were restored: the live path works again. */
const AFTER_RESTORE = 8;
/** Two rounds (each restart compiles a service, so the rounds keep the suite near 2 minutes): the three services at once, then PostgreSQL. */
const ROUNDS = [['command', 'projector', 'query'], ['postgres']] as const;
const TARGETS = ROUNDS.flat();

const services = [
  { name: 'command', entry: 'apps/command-service/src/main.ts', env: 'COMMAND_PORT' },
  { name: 'projector', entry: 'apps/projector-service/src/main.ts', env: 'PROJECTOR_PORT' },
  { name: 'query', entry: 'apps/query-service/src/main.ts', env: 'QUERY_PORT' },
] as const;

interface Counts {
  sent: number;
  retried: number;
  acknowledged: number;
  refused: string[];
}

describe('SIGKILL of each service and of PostgreSQL under load (embedded profile, as npm start runs it)', () => {
  let dataDir: string;
  let supervisor: Supervisor;
  let database: DatabaseProcessSpec;
  const supervisorLog: string[] = [];
  const ports: Record<string, number> = {};
  const clients: Record<string, HttpClient> = {};
  const counts: Counts = { sent: 0, retried: 0, acknowledged: 0, refused: [] };
  const kills: string[] = [];
  let orders: DrivenOrder[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ordersource-faults-'));
    database = embeddedDatabaseSpec(root, join(dataDir, 'pg'));
    for (const service of services) ports[service.name] = await freePort();
    const environment = (): NodeJS.ProcessEnv => ({
      ...process.env,
      ORDERSOURCE_PROFILE: 'embedded',
      DATABASE_URL: database.url(),
      API_KEYS,
      ORDERSOURCE_MASTER_KEY: secrets.master,
      ORDERSOURCE_CHAIN_KEY: secrets.chain,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'fatal',
      ...Object.fromEntries(services.map((service) => [service.env, String(ports[service.name])])),
    });
    const secrets = { master: randomBytes(32).toString('base64'), chain: randomBytes(32).toString('base64') };
    const specs: ProcessSpec[] = [
      database,
      ...services.map(
        (service): ProcessSpec => ({
          name: service.name,
          spawn: () => startServiceProcess(root, { name: service.name, entry: service.entry, port: ports[service.name], prefix: `[faults ${service.name}]` }, environment()),
          ready: () => ready(service.name),
        }),
      ),
    ];
    for (const service of services) clients[service.name] = httpClient(`http://127.0.0.1:${ports[service.name]}`);
    supervisor = new Supervisor(specs, { log: (line) => supervisorLog.push(line), initialBackoffMs: 200, maxBackoffMs: 2000 });
    await supervisor.start();
  }, 240_000);

  afterAll(async () => {
    await supervisor?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  async function ready(name: string): Promise<void> {
    await eventually(`${name} is ready`, async () => (await fetch(`http://127.0.0.1:${ports[name]}/health/ready`).catch(() => undefined))?.status === 200, { timeoutMs: 180_000, everyMs: 200 });
  }

  /** Kills each round's targets once the load has made progress, waiting until all serve again each time. */
  async function killEach(): Promise<void> {
    for (const round of ROUNDS) {
      const mark = counts.acknowledged;
      await eventually(`${BETWEEN_KILLS} more acknowledgements before killing ${round.join(', ')}`, () => counts.acknowledged >= mark + BETWEEN_KILLS, { timeoutMs: 180_000, everyMs: 50 });
      const killed = round.map((target) => {
        const before = supervisor.current(target);
        if (!before?.pid) throw new Error(`${target} is not running`);
        if (target === 'postgres') {
          // The server itself, not the CLI that started it: the postmaster's pid is in its data directory.
          process.kill(Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]), 'SIGKILL');
        } else before.kill('SIGKILL');
        kills.push(target);
        return { target, before };
      });
      for (const { target, before } of killed) {
        await eventually(`the supervisor runs ${target} again`, () => supervisor.current(target) !== undefined && supervisor.current(target) !== before, { timeoutMs: 60_000, everyMs: 50 });
      }
      for (const service of services) await ready(service.name);
    }
  }

  it(
    'loses and duplicates no acknowledged command, and every view equals its history',
    async () => {
      let killing = true;
      const killer = killEach().finally(() => (killing = false));
      orders = await loadClient(() => clients.command.baseUrl, counts).run(() => killing, MIN_ORDERS);
      await killer;
      const { lost, duplicated, planned } = await checkOrders(clients.query, orders);
      const stored = await eventsInLog();
      const integrity = ok(await clients.command.get('/admin/integrity'), 200, 'integrity');

      console.log(
        [
          `faults (embedded): ${counts.sent} command requests sent (${counts.retried} retries), ${counts.acknowledged} acknowledged, ${counts.refused.length} refused;`,
          `  kills survived: ${kills.length} (${kills.join(', ')}); supervisor restarts: ${TARGETS.map((target) => `${target} ${supervisor.restartsOf(target)}`).join(', ')}`,
          `  orders checked: ${orders.length}, events in the log: ${stored} (planned ${planned}), lost ${lost}, duplicated ${duplicated}, integrity ok: ${integrity.ok}`,
          ...supervisorLog.map((line) => `  ${line}`),
        ].join('\n'),
      );
      expect(counts.refused).toEqual([]);
      expect(kills).toEqual(TARGETS);
      expect([lost, duplicated, stored]).toEqual([0, 0, planned]);
      expect(integrity).toEqual(expect.objectContaining({ ok: true }));
    },
    420_000,
  );

  async function eventsInLog(): Promise<number> {
    const client = new Client({ connectionString: database.url() });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n);
    } finally {
      await client.end();
    }
  }
});

describe('SIGKILL of the Kafka and MongoDB test servers under load (distributed profile)', () => {
  let supervisor: Supervisor;
  let stack: Stack;
  const counts: Counts = { sent: 0, retried: 0, acknowledged: 0, refused: [] };
  const kills: string[] = [];
  const supervisorLog: string[] = [];

  beforeAll(async () => {
    const [kafkaPort, mongoPort] = [await freePort(), await freePort()];
    supervisor = new Supervisor(
      [testServer('kafka', 'libs/testing/kafka-broker/src/main.ts', kafkaPort), testServer('mongo', 'libs/testing/mongo-server/src/main.ts', mongoPort)],
      { log: (line) => supervisorLog.push(line), initialBackoffMs: 200, maxBackoffMs: 2000 },
    );
    await supervisor.start();
    stack = await startStack('distributed', {}, { kafkaBrokers: [`127.0.0.1:${kafkaPort}`], mongoServerUrl: `mongodb://127.0.0.1:${mongoPort}` });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await supervisor?.stop();
  }, 60_000);

  async function killAndAwait(targets: string[]): Promise<void> {
    const mark = counts.acknowledged;
    await eventually(`${BETWEEN_KILLS} acknowledgements before killing ${targets.join(', ')}`, () => counts.acknowledged >= mark + BETWEEN_KILLS, { timeoutMs: 180_000, everyMs: 50 });
    const killed = targets.map((target) => ({ target, before: supervisor.current(target) }));
    for (const { target, before } of killed) {
      before?.kill('SIGKILL');
      kills.push(target);
    }
    for (const { target, before } of killed) {
      await eventually(`the supervisor runs ${target} again`, () => supervisor.current(target) !== undefined && supervisor.current(target) !== before, { timeoutMs: 60_000, everyMs: 50 });
    }
    for (const service of [stack.command, stack.projector, stack.query]) {
      await eventually(`${service.baseUrl} is ready again`, async () => (await fetch(`${service.baseUrl}/health/ready`).catch(() => undefined))?.status === 200, { timeoutMs: 120_000, everyMs: 200 });
    }
  }

  it(
    'loses and duplicates no acknowledged command, and every view equals its history',
    async () => {
      const client = loadClient(() => stack.command.baseUrl, counts);
      const orders: DrivenOrder[] = [];
      // The doubles keep their data in memory: a SIGKILL loses the topic and every view (a real
      // broker and MongoDB keep what they acknowledged). The services must outlive them and keep
      // every acknowledged command; the views rebuilt from the log alone equal the histories, and
      // orders placed afterwards flow live again through the new broker into the new views.
      let killing = true;
      const killer = killAndAwait(['kafka', 'mongo']).finally(() => (killing = false));
      orders.push(...(await client.run(() => killing, MIN_ORDERS)));
      await killer;
      await stack.rebuildViewsFromLog();
      orders.push(...(await client.run(() => false, AFTER_RESTORE)));
      const checked = await checkOrders(stack.query, orders);
      const { lost, duplicated, planned } = checked;
      const stored = Number((await stack.pg.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n);
      const integrity = ok(await stack.command.get('/admin/integrity'), 200, 'integrity');

      console.log(
        [
          `faults (distributed): ${counts.sent} command requests sent (${counts.retried} retries), ${counts.acknowledged} acknowledged, ${counts.refused.length} refused;`,
          `  kills survived: ${kills.length} (${kills.join(', ')}); orders checked: ${orders.length}, events in the log: ${stored} (planned ${planned}), lost ${lost}, duplicated ${duplicated}, integrity ok: ${integrity.ok}`,
          ...supervisorLog.map((line) => `  ${line}`),
        ].join('\n'),
      );
      expect(counts.refused).toEqual([]);
      expect(kills).toEqual(['kafka', 'mongo']);
      expect([lost, duplicated, stored]).toEqual([0, 0, planned]);
      expect(integrity).toEqual(expect.objectContaining({ ok: true }));
    },
    420_000,
  );
});

/** A test double on its own (its `npm run` entry point) on a fixed port, ready once it says it listens. */
function testServer(name: string, entry: string, port: number): ProcessSpec {
  const listening = new WeakMap<object, Promise<void>>();
  return {
    name,
    spawn() {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', entry, '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      listening.set(
        child,
        new Promise((resolveListening, reject) => {
          child.once('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
          createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (line) => /listening/.test(line) && resolveListening());
        }),
      );
      listening.get(child)?.catch(() => undefined);
      return child;
    },
    ready: (child) => listening.get(child) ?? Promise.reject(new Error(`not a run of ${name}`)),
  };
}

/**
 * Commands as a real client sends them: each with its Idempotency-Key, sent again with the same
 * key after a network error, a 5xx, a 408, a 429 or 409 idempotency-key-in-flight, until answered.
 */
function loadClient(commandUrl: () => string, counts: Counts) {
  async function command(path: string, body: unknown, idempotencyKey: string, key: string): Promise<{ status: number; body: { version?: number; status?: string; orderNumber?: string } }> {
    const deadline = Date.now() + 180_000;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        counts.retried++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
      }
      if (Date.now() > deadline) throw new Error(`${path} (${idempotencyKey}) was never answered`);
      counts.sent++;
      let response: Response;
      try {
        response = await fetch(`${commandUrl()}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify(body ?? {}),
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        continue; // refused, reset or timed out: the service is down or died mid-request
      }
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : {};
      const inFlight = response.status === 409 && /idempotency-key-in-flight$/.test(parsed.type ?? '');
      if (response.status >= 500 || response.status === 408 || response.status === 429 || inFlight) continue;
      return { status: response.status, body: parsed };
    }
  }

  /** Places the order and sends its commands in sequence; every acknowledgement is counted. */
  async function drive(plan: OrderPlan): Promise<DrivenOrder> {
    const placed = await command('/orders', { orderId: plan.orderId, ...plan.order }, `${plan.orderId}:place`, keys.operator);
    if (placed.status !== 201) counts.refused.push(`place ${plan.orderId}: ${placed.status}`);
    else counts.acknowledged++;
    const steps = [];
    let version = 1;
    for (const [index, step] of plan.steps.entries()) {
      const answer = await command(step.path, step.body, `${plan.orderId}:${index}`, keys.admin);
      version += step.events.length;
      if (answer.status !== 200 || answer.body.version !== version || answer.body.status !== step.status) {
        counts.refused.push(`${step.name} on ${plan.orderId}: ${answer.status} ${JSON.stringify(answer.body)} (expected version ${version}, ${step.status})`);
      } else counts.acknowledged++;
      steps.push({ step, version, status: step.status });
    }
    return { plan, placedVersion: 1, orderNumber: placed.body.orderNumber as string, steps, lastVersion: version };
  }

  /** LANES lanes of new orders while `busy()` holds (and until `minimum` were placed). */
  async function run(busy: () => boolean, minimum: number): Promise<DrivenOrder[]> {
    let next = 0;
    const lanes = Array.from({ length: LANES }, async () => {
      const driven: DrivenOrder[] = [];
      while (busy() || next < minimum) {
        const index = next++;
        driven.push(await drive(planOrder(index, index % 2 === 0 ? 'cust-a' : 'cust-b')));
      }
      return driven;
    });
    return (await Promise.all(lanes)).flat();
  }

  return { run };
}

/** The log holds exactly each order's planned events, and every view equals the order's history. */
async function checkOrders(query: HttpClient, orders: DrivenOrder[]): Promise<{ lost: number; duplicated: number; planned: number }> {
  let lost = 0;
  let duplicated = 0;
  await inBatches(orders, 4, async (order) => {
    const id = order.plan.orderId;
    const wait = { headers: { 'x-min-version': String(order.lastVersion), 'x-wait-ms': '10000' } };
    const history = ok(await query.get(`/orders/${id}/history`, wait), 200, `history of ${id}`).events as { type: string; occurredAt: string }[];
    const planned = plannedEvents(order.plan).map((event) => event.type);
    lost += Math.max(0, planned.length - history.length);
    duplicated += Math.max(0, history.length - planned.length);
    expect({ id, types: history.map((event) => event.type) }).toEqual({ id, types: planned });
    const expected = expectedViewsOf(order, history);
    const [tracking, payments, shipping] = await Promise.all([query.get(`/orders/${id}`, wait), query.get(`/payments/${id}`, wait), query.get(`/shipments/${id}`, wait)]);
    expect({ id, tracking: tracking.body, payments: payments.body, shipping: shipping.body }).toEqual({ id, tracking: expected.tracking, payments: expected.payments, shipping: expected.shipping });
  });
  return { lost, duplicated, planned: orders.reduce((sum, order) => sum + plannedEvents(order.plan).length, 0) };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}
