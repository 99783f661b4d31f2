/**
 * Several command-service processes on one port (node:cluster): one Node process tops out at
 * about one core of HTTP + JSON + crypto work while PostgreSQL waits. COMMAND_WORKERS sets the
 * count; by default there is one per core the process may use (its CPU affinity and any cgroup
 * CPU quota, as a container's `--cpus` sets it), at most 4: beyond that each worker's share of
 * the service's 20 connections is at its floor and its append batches only shrink. One core, or
 * no DATABASE_URL, is one process: without DATABASE_URL each process would try to start the
 * embedded PostgreSQL in the same folder. A scrape of /metrics on any worker answers the sum over
 * all of them (cluster-metrics.ts, via the primary). `npm run bench -- commands` climbs with the
 * default and with one process (BENCHMARKS.md: on this project's 2-core machine, shared with
 * PostgreSQL and the load generator, two workers cost about 30% more CPU per request, in smaller
 * append batches, but spread it over both cores). The primary only forks, answers the workers'
 * scrapes, forwards SIGTERM/SIGINT and, when a worker dies on its own, stops the others and exits
 * with that worker's code so the supervisor (npm start, an orchestrator) sees the failure.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { serveClusterMetrics } from '@ordersource/platform/cluster-metrics';

/** The default never forks more than this many workers (COMMAND_WORKERS may). */
export const DEFAULT_WORKER_LIMIT = 4;

export function commandWorkers(env: NodeJS.ProcessEnv = process.env, cores: () => number = usableCores): number {
  const raw = env.COMMAND_WORKERS;
  const limit = Math.max(64, availableParallelism());
  let count: number;
  if (raw === undefined || raw === '') {
    count = Math.min(cores(), DEFAULT_WORKER_LIMIT);
  } else {
    count = Number(raw);
    if (!Number.isSafeInteger(count) || count < 1 || count > limit) throw new Error(`COMMAND_WORKERS must be an integer from 1 to ${limit}, got ${raw}`);
  }
  return env.DATABASE_URL ? count : 1;
}

/**
 * The cores this process may use: its CPU affinity (availableParallelism; Node 20's libuv does
 * not read cgroup quotas), lowered by a cgroup CPU quota (v2 `cpu.max`, v1
 * `cpu.cfs_quota_us`/`cpu.cfs_period_us`), rounded up.
 */
export function usableCores(read: (path: string) => string | undefined = readIfPresent): number {
  const cores = availableParallelism();
  const quota = cgroupQuota(read);
  return quota === undefined ? cores : Math.max(1, Math.min(cores, Math.ceil(quota)));
}

function cgroupQuota(read: (path: string) => string | undefined): number | undefined {
  const v2 = read('/sys/fs/cgroup/cpu.max')?.trim().split(/\s+/);
  if (v2 && v2.length === 2) return v2[0] === 'max' ? undefined : ratio(v2[0], v2[1]);
  const quota = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')?.trim();
  const period = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us')?.trim();
  return quota === undefined || period === undefined || quota === '-1' ? undefined : ratio(quota, period);
}

function ratio(quota: string, period: string): number | undefined {
  const value = Number(quota) / Number(period);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** PostgreSQL connections of the whole service; a pool per worker of 20 tied up 40 on 2 workers. */
const SERVICE_POOL_SIZE = 20;

/**
 * Each worker's share of the service's connections (at least 4): under load the command path's
 * backends sat idle in ClientRead (issue 18; the workers' CPU, not PostgreSQL, was the limit),
 * and on a server shared by several services every idle backend is one another cannot open.
 */
export function poolSizePerWorker(workers: number): number {
  return Math.max(4, Math.ceil(SERVICE_POOL_SIZE / workers));
}

/** The processes serving this service: the primary's count in one of its workers, else this one alone. */
export function processesOfThisService(env: NodeJS.ProcessEnv = process.env): number {
  const count = Number(env.COMMAND_WORKER_COUNT);
  return cluster.isWorker && Number.isSafeInteger(count) && count > 0 ? count : 1;
}

/** In the primary of a multi-worker start: forks and supervises; resolves never (exits the process). */
export function runPrimary(workers: number, log: (message: string) => void): void {
  let stopping = false;
  serveClusterMetrics();
  for (let i = 0; i < workers; i++) cluster.fork({ COMMAND_WORKER: String(i + 1), COMMAND_WORKER_COUNT: String(workers) });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGTERM'));
  let exitCode = 0;
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      log(`command-service worker ${worker.process.pid} exited (${signal ?? code}); stopping the others`);
      exitCode = code || 1;
      stop('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
  });
}

export const isClusterPrimary = (): boolean => cluster.isPrimary;
