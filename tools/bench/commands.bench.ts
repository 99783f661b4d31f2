/**
 * `npm run bench` section `commands` (issue 4): an open-loop load placing orders against the
 * command service (its own process, as deployed), stepping the arrival rate up; beside it the
 * raw-pg floor of 16 concurrent single-row transactions on the same server in the same run.
 *
 * A run's figure is the highest rate at which that step AND every lower one held p99 <= 50 ms
 * with no failure (a run stops at its first failing step), so one lucky step above a failed one
 * cannot carry it. The ladder is climbed COMMANDS_RUNS times (default 3) against one service,
 * each climb after the service has been idle a few seconds; the table gives the median run and
 * the spread (lowest-highest). The headline is the service as it starts by default (one
 * node:cluster worker per usable core, at most 4); BENCH_COMMAND_WORKERS (default `default,1`)
 * lists the configurations climbed, `default` leaving COMMAND_WORKERS unset.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { Agent, request } from 'undici';
import { median } from '@ordersource/event-store/bench';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import { stopProcess, waitUntilReady } from '../start/service-process';
import { BenchTable } from './bench-table';
import { StepResult, loadClient, runStep } from './open-loop';

const ROOT = join(__dirname, '..', '..');
const RATES = [25, 50, 100, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2400, 2800, 3200, 3600, 4000];
const RUNS = Number(process.env.COMMANDS_RUNS ?? 3);
const STEP_SECONDS = 4;
const P99_LIMIT_MS = 50;
/** Idle time before each climb: the one before ended with a step the service could not hold. */
const SETTLE_MS = 3000;

export async function benchCommands(serverUrl: string, target: string): Promise<BenchTable> {
  // The first configuration (the service's default) is the headline. Then each further one, each
  // on a database of its own, so that none climbs on the orders another placed.
  const [headline, ...others] = benchWorkerCounts();
  const port = 3900 + Math.floor(Math.random() * 90);
  const { label, result } = await withService(serverUrl, port, headline, async (databaseUrl) => {
    // With the service up and idle: measured while it started (compiling, migrating on the same
    // two cores), the floor read about half what it reads alone, which flattered the ratio.
    const floor = await rawFloor(databaseUrl);
    // Both floors before the climbs, on a database that holds nothing yet: after them, embedded
    // PostgreSQL 18's autovacuum (off on the machine's 15) was busy with their tables.
    const references = await httpFloor(databaseUrl, port + 100);
    return { floor, references, ...(await climbs(port)) };
  });
  const { floor, references, runs, loads } = result;
  const alternatives: { label: string; runs: Climb[] }[] = [];
  for (const workers of others) {
    const other = await withService(serverUrl, port, workers, async () => (await climbs(port)).runs);
    alternatives.push({ label: other.label, runs: other.result });
  }
  const service = spread(runs);
  const http = spread(references);
  return {
    section: 'commands',
    target,
    rows: [
      { name: `POST /orders: highest arrival rate with p99 <= ${P99_LIMIT_MS} ms there and at every lower step, median of ${RUNS} runs (${label})`, unit: 'req/s', value: service.median, floor, ratio: service.median / floor },
      { name: '  spread over the runs (lowest)', unit: 'req/s', value: service.lowest, floor, ratio: service.lowest / floor },
      { name: '  spread over the runs (highest)', unit: 'req/s', value: service.highest, floor, ratio: service.highest / floor },
      ...alternatives.flatMap(({ label: itsLabel, runs: its }) => {
        const other = spread(its);
        return [
          { name: `POST /orders with ${itsLabel}, the same measure, median of ${RUNS} runs`, unit: 'req/s', value: other.median, floor, ratio: other.median / floor },
          { name: `  its spread (lowest-highest): ${other.lowest}-${other.highest} req/s`, unit: 'req/s', value: other.median },
        ];
      }),
      { name: `HTTP floor: plain Fastify, one INSERT per POST /orders (own process), highest rate as above, median of ${RUNS} runs`, unit: 'req/s', value: http.median, floor, ratio: http.median / floor },
      { name: `  its spread (lowest-highest): ${http.lowest}-${http.highest} req/s`, unit: 'req/s', value: http.median },
      { name: 'POST /orders median against the HTTP floor median', unit: 'req/s', value: service.median, floor: http.median, ratio: service.median / http.median },
      ...stepRows(runs, 'run'),
      ...alternatives.flatMap(({ label: itsLabel, runs: its }) => stepRows(its, `${itsLabel} run`)),
      ...stepRows(references, 'HTTP floor run'),
    ],
    notes: [
      `Raw-pg floor: 16 connections each running BEGIN; INSERT one row; COMMIT in a loop for 3 s, measured once the command service is up and idle. Steps of ${STEP_SECONDS} s; latency from each request's scheduled start; ` +
        `one client (up to 64 keep-alive connections, as a gateway keeps them) for the warm-up and every step; the service's pool opened at start (DATABASE_POOL_MIN); ` +
        `each run stops at its first step over ${P99_LIMIT_MS} ms p99 or with a failure, and the service is left idle for ${SETTLE_MS / 1000} s before each run (the run before it ended with a step it could not hold). ` +
        `Command service: ${label} for the headline${alternatives.length > 0 ? `, then ${alternatives.map((a) => a.label).join(', ')} on a fresh database (BENCH_COMMAND_WORKERS lists the configurations)` : ''}; its worker count as its /metrics summed ordersource_service_processes after the climbs. ` +
        `Load average (1 min) at the start of each headline run: ${loads.join(', ')} on ${availableParallelism()} cores; the load generator runs in this process, and "client stall" is its own longest event-loop delay in the step (a response it could not read meanwhile counts as the server's latency). ` +
        `The HTTP floor (http-floor.server.ts) climbs the same ladder with a client of its own, after the raw floor and before the command service's climbs (the service idle): what any HTTP write to PostgreSQL costs on this machine, ` +
        `the request, the response, one round trip and one commit, without the command path's work.`,
    ],
  };
}

/** `BENCH_COMMAND_WORKERS`: the configurations to climb, `default` (COMMAND_WORKERS unset) or a worker count; the first is the headline (default `default,1`). */
function benchWorkerCounts(): string[] {
  const counts = (process.env.BENCH_COMMAND_WORKERS ?? 'default,1').split(',').map((count) => count.trim());
  if (counts.some((count) => count !== 'default' && !/^[1-9][0-9]?$/.test(count))) throw new Error(`BENCH_COMMAND_WORKERS must list worker counts (1-99) or default, got ${process.env.BENCH_COMMAND_WORKERS}`);
  return counts;
}

/**
 * Runs `work` against the command service configured with `workers`, started on a fresh
 * database; stops it and drops the database after. The label names the configuration and the
 * workers its /metrics counted once the work was done (every worker listening by then).
 */
async function withService<T>(serverUrl: string, port: number, workers: string, work: (databaseUrl: string) => Promise<T>): Promise<{ label: string; result: T }> {
  const database = await createDatabaseOn(serverUrl, 'os_bench_commands');
  const service = startService(database.url, port, workers);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base, service, 180_000);
    const result = await work(database.url);
    const processes = await servingProcesses(base);
    if (workers !== 'default' && processes !== Number(workers)) throw new Error(`the command service started with COMMAND_WORKERS=${workers} reports ${processes} processes`);
    const label = workers === 'default' ? `COMMAND_WORKERS unset, the default: ${processes} worker${processes === 1 ? '' : 's'} here` : `COMMAND_WORKERS=${workers}`;
    return { label, result };
  } finally {
    await stopProcess(service);
    await database.drop();
  }
}

/** A set of climbs' figures: the median of their bests and the spread. */
function spread(climbs: Climb[]): { median: number; lowest: number; highest: number } {
  const bests = climbs.map((c) => c.best).sort((a, b) => a - b);
  return { median: median(bests), lowest: bests[0], highest: bests[bests.length - 1] };
}

/** The climbs against a service that is up: a warm-up, then RUNS climbs, each after the service has been idle a while. */
async function climbs(port: number): Promise<{ runs: Climb[]; loads: string[] }> {
  const client = loadClient();
  const send = (dispatcher: Agent) => placeOrder(`http://127.0.0.1:${port}`, dispatcher);
  try {
    // Warm-up (JIT, pools, prepared statements, the client's connections), not measured.
    await runStep(400, 3, send, client);
    const runs: Climb[] = [];
    const loads: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      await sleep(SETTLE_MS);
      loads.push(loadavg()[0].toFixed(1));
      runs.push(await climb(send, client));
    }
    return { runs, loads };
  } finally {
    await client.close();
  }
}

function stepRows(climbs: Climb[], label: string) {
  return climbs.flatMap((r, index) =>
    r.steps.map((step) => ({
      name: `  ${label} ${index + 1} at ${step.rate} req/s: p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, failed ${step.failed}, client CPU ${step.clientCpuMs.toFixed(2)} ms/req, client stall ${step.clientStallMs.toFixed(0)} ms`,
      unit: 'req/s ok',
      value: step.ok / STEP_SECONDS,
    })),
  );
}

interface Climb {
  best: number;
  steps: StepResult[];
}

/** One climb of the ladder: the highest rate at which it and every lower step held p99 and had no failure. */
async function climb(send: (dispatcher: Agent) => Promise<boolean>, client: Agent): Promise<Climb> {
  const steps: StepResult[] = [];
  let best = 0;
  for (const rate of RATES) {
    const step = await runStep(rate, STEP_SECONDS, send, client);
    steps.push(step);
    if (step.p99 > P99_LIMIT_MS || step.failed > 0) break;
    best = rate;
  }
  return { best, steps };
}

/** The HTTP floor's climbs (as many as the service's), on its own client after its own warm-up. */
async function httpFloor(databaseUrl: string, port: number): Promise<Climb[]> {
  const server = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/bench/http-floor.server.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl, HTTP_FLOOR_PORT: String(port) },
  });
  try {
    await waitUntilReady(`http://127.0.0.1:${port}`, server, 60_000);
    return (await climbs(port)).runs;
  } finally {
    await stopProcess(server);
  }
}

/** The processes behind the service's port, as its /metrics sums them. */
async function servingProcesses(base: string): Promise<number> {
  const exposition = await (await fetch(`${base}/metrics`)).text();
  const line = /^ordersource_service_processes\{[^}]*\} (\d+)$/m.exec(exposition);
  if (!line) throw new Error('the command service\'s /metrics has no ordersource_service_processes');
  return Number(line[1]);
}

function startService(databaseUrl: string, port: number, workers: string): ChildProcess {
  const key = randomBytes(32).toString('base64');
  const env: NodeJS.ProcessEnv = { ...process.env, COMMAND_WORKERS: workers };
  if (workers === 'default') delete env.COMMAND_WORKERS;
  return spawn(process.execPath, ['-r', '@swc-node/register', 'apps/command-service/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    // DATABASE_POOL_MIN as compose deploys it: each worker's share of the pool open from the start.
    env: { ...env, DATABASE_URL: databaseUrl, COMMAND_PORT: String(port), DATABASE_POOL_MIN: process.env.DATABASE_POOL_MIN ?? '20', API_KEYS: 'bench.k=operator', ORDERSOURCE_MASTER_KEY: key, ORDERSOURCE_CHAIN_KEY: key, LOG_LEVEL: 'warn' },
  });
}

async function placeOrder(base: string, dispatcher: Agent): Promise<boolean> {
  const response = await request(`${base}/orders`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench.k' },
    body: JSON.stringify({
      orderId: randomUUID(),
      customerId: `c-${Math.floor(Math.random() * 1000)}`,
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 1 + Math.floor(Math.random() * 3), unitPrice: 1999 }],
      shippingAddress: { name: 'Bench Customer', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
    }),
  });
  await response.body.dump();
  return response.statusCode === 201;
}

async function rawFloor(url: string): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 16 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_floor (id uuid PRIMARY KEY, body jsonb)');
  let done = 0;
  const until = performance.now() + 3000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < until) {
          await client.query('BEGIN');
          await client.query('INSERT INTO bench_floor VALUES ($1, $2)', [randomUUID(), { customerId: 'c', total: 1999 }]);
          await client.query('COMMIT');
          done++;
        }
      } finally {
        client.release();
      }
    }),
  );
  // Gone before the climbs: autovacuum (on in embedded 18) would otherwise vacuum it during them.
  await pool.query('DROP TABLE bench_floor');
  await pool.end();
  return done / 3;
}
