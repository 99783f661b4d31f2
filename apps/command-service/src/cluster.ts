/**
 * Several command-service processes on one port (node:cluster): one Node process tops out at
 * about one core of HTTP + JSON + crypto work while PostgreSQL waits. COMMAND_WORKERS sets the
 * count; the default is 1 (the service in this process, as before) because each worker serves
 * its own /metrics, so a scrape sees one worker's counters at a time, until the metrics are
 * aggregated across workers. `npm run bench -- commands` climbs with one worker and with two: on
 * this project's 2-core machine, shared with PostgreSQL and the load generator, neither wins
 * every run (two cost about 30% more CPU per request, in smaller append batches, but spread it
 * over both cores; BENCHMARKS.md has the latest figures). The primary only forks, forwards
 * SIGTERM/SIGINT and, when a worker dies on its own, stops the others and exits with that
 * worker's code so the supervisor (npm start, an orchestrator) sees the failure. Without
 * DATABASE_URL each process would try to start the embedded PostgreSQL in the same folder, so
 * that profile always runs one process.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';

export function commandWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.COMMAND_WORKERS;
  if (raw === undefined || raw === '') return 1;
  const count = Number(raw);
  const limit = Math.max(64, availableParallelism());
  if (!Number.isSafeInteger(count) || count < 1 || count > limit) throw new Error(`COMMAND_WORKERS must be an integer from 1 to ${limit}, got ${raw}`);
  return env.DATABASE_URL ? count : 1;
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

/** In the primary of a multi-worker start: forks and supervises; resolves never (exits the process). */
export function runPrimary(workers: number, log: (message: string) => void): void {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork({ COMMAND_WORKER: String(i + 1) });
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
