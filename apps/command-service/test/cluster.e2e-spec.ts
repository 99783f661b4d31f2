import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@ordersource/testing/eventually';
import { TestDatabase, createTestDatabase } from '@ordersource/testing/postgres';
import { API_KEYS, keys, orderBody } from './command-service.harness';

/**
 * COMMAND_WORKERS=2 (cluster.ts), started as deployed (main.ts in a process of its own): the
 * primary forks two workers that serve one port, and stops them on SIGTERM; a worker that dies
 * on its own takes the service down with a failing exit code, for the supervisor to see.
 */
const root = join(__dirname, '..', '..', '..');
let db: TestDatabase;
let service: ChildProcess;
let url: string;
let exited: Promise<number | null>;
/** Both starts use the same keys: a service refuses a database whose chain was made under another. */
const secret = randomBytes(32).toString('base64');

function startClustered(port: number): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', 'apps/command-service/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: db.url, COMMAND_PORT: String(port), COMMAND_WORKERS: '2', API_KEYS, ORDERSOURCE_MASTER_KEY: secret, ORDERSOURCE_CHAIN_KEY: secret, LOG_LEVEL: 'warn' },
  });
}

/** The live processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** One request on a connection of its own (no keep-alive): the primary hands each new connection to the next worker in turn. */
function onFreshConnection(path: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: init.method ?? 'GET', agent: false, headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The sum of a histogram's `_count` samples whose labels include `labels`. */
function countOf(exposition: string, metric: string, labels: string[]): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${metric}_count{`) && labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Polls /health/ready; fails as soon as the process exits. (tools/start has the same for scripts; apps may not import tools.) */
async function waitUntilReady(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the clustered command service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the clustered command service was not ready in time');
}

beforeAll(async () => {
  db = await createTestDatabase('os_cmd_cluster');
  const port = 4300 + Math.floor(Math.random() * 500);
  url = `http://127.0.0.1:${port}`;
  service = startClustered(port);
  exited = new Promise((resolve) => service.once('exit', (code) => resolve(code)));
  await waitUntilReady(url, service, 120_000);
}, 150_000);

/** A failed test leaves no process behind: the workers first (once the primary is gone they are no longer its children). */
function killAll(primary: ChildProcess): void {
  if (primary.exitCode !== null || primary.signalCode !== null) return;
  for (const pid of childrenOf(primary.pid as number)) process.kill(pid, 'SIGKILL');
  primary.kill('SIGKILL');
}

afterAll(async () => {
  if (service) killAll(service);
  await db?.drop();
});

const PROCESSES = /^ordersource_service_processes\{service="command-service"\} (\d+)$/m;

it('serves commands from two workers behind one port, and a worker that dies stops the service with a failing code', async () => {
  const workers = childrenOf(service.pid as number);
  expect(workers).toHaveLength(2);
  // Ready means one worker listens; /metrics counts the listening ones: both, soon.
  await eventually('both workers listen', async () => PROCESSES.exec((await onFreshConnection('/metrics')).text)?.[1] === '2', { everyMs: 100 });
  // Each placement on a connection of its own, so the primary hands them to both workers in turn.
  const placed = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const response = await onFreshConnection('/orders', { method: 'POST', body: JSON.stringify(orderBody({ orderId: randomUUID() })) });
      return { status: response.status, body: JSON.parse(response.text) as { orderNumber?: string } };
    }),
  );
  expect(placed.map((p) => p.status)).toEqual(Array(8).fill(201));
  // One counter for both workers: eight distinct order numbers.
  expect(new Set(placed.map((p) => p.body.orderNumber)).size).toBe(8);
  // Whichever worker a scrape reaches, /metrics counts the placements both served: the sum.
  for (let scrape = 0; scrape < 4; scrape++) {
    const metrics = await onFreshConnection('/metrics');
    expect(metrics.status).toBe(200);
    expect(countOf(metrics.text, 'ordersource_http_request_duration_seconds', ['method="POST"', 'route="/orders"', 'status="201"'])).toBe(8);
    expect(metrics.text).toContain('service="command-service"');
    expect(PROCESSES.exec(metrics.text)?.[1]).toBe('2');
  }

  process.kill(workers[0], 'SIGKILL');
  expect(await exited).not.toBe(0);
  // The other worker went with it: nothing of the service is left listening.
  await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  expect(childrenOf(service.pid as number)).toEqual([]);
}, 60_000);

it('stops cleanly on SIGTERM: the primary stops its workers and exits 0', async () => {
  // A service of its own (the first test took its down).
  const port = 4900 + Math.floor(Math.random() * 90);
  const second = startClustered(port);
  const code = new Promise((resolve) => second.once('exit', (c) => resolve(c)));
  try {
    await waitUntilReady(`http://127.0.0.1:${port}`, second, 120_000);
    expect(childrenOf(second.pid as number)).toHaveLength(2);
    second.kill('SIGTERM');
    expect(await code).toBe(0);
  } finally {
    killAll(second);
  }
}, 150_000);
