import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { serveClusterMetrics } from './cluster-metrics';

/**
 * This jest process is a real node:cluster primary (testing/cluster-metrics-worker.ts workers):
 * one worker still "starting" (not listening) counting 100, then, once the primary serves the
 * metrics as runPrimary does before it forks, two listening workers counting 3 and 4. What was
 * tried: a scrape before the primary serves, after, and while a listening worker is frozen
 * (SIGSTOP), so that it cannot report.
 */
const workers: Worker[] = [];
let listening: Worker[] = [];

function answerTo(worker: Worker): Promise<{ text?: string; error?: string }> {
  return new Promise((resolve) => {
    // The worker's other messages (ready, its own request to the primary) are not the answer.
    const listener = (answer: { text?: string; error?: string }) => {
      if (answer.text === undefined && answer.error === undefined) return;
      worker.off('message', listener);
      resolve(answer);
    };
    worker.on('message', listener);
    worker.send('scrape');
  });
}

/** A worker, once it is up: told by its first message, or, if it listens, by the cluster's 'listening' (the primary learns it after the worker's listen callback has run). */
async function fork(env: Record<string, string>): Promise<Worker> {
  const worker = cluster.fork({ ANSWER_TIMEOUT_MS: '1000', ...env });
  workers.push(worker);
  await new Promise<void>((resolve) => worker.once(env.LISTEN ? 'listening' : 'message', () => resolve()));
  return worker;
}

beforeAll(() => {
  cluster.setupPrimary({ exec: join(__dirname, 'testing', 'cluster-metrics-worker.ts'), execArgv: ['-r', '@swc-node/register'], silent: true });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : (worker.once('exit', () => resolve()), worker.kill())))));
});

it('fails the scrape with a clear error when the primary does not answer (it does not serve the metrics)', async () => {
  const starting = await fork({ COUNTED: '100' });
  expect(await answerTo(starting)).toEqual({ error: "the cluster's metrics could not be gathered: the primary did not answer within 1000 ms" });
}, 30_000);

it("answers a scrape in any worker with the listening workers' counters summed, default labels kept", async () => {
  serveClusterMetrics(300);
  listening = [await fork({ COUNTED: '3', LISTEN: '0' }), await fork({ COUNTED: '4', LISTEN: '0' })];
  for (const worker of workers) {
    const { text, error } = await answerTo(worker);
    expect(error).toBeUndefined();
    expect(text).toMatch(/^fixture_placed_total\{service="fixture"\} 7$/m);
  }
}, 30_000);

it('fails the scrape with the worker named when a listening worker cannot report, and recovers once it can', async () => {
  const frozen = listening[1];
  process.kill(frozen.process.pid as number, 'SIGSTOP');
  try {
    expect(await answerTo(listening[0])).toEqual({ error: `the cluster's metrics could not be gathered: worker ${frozen.process.pid} did not report its metrics within 300 ms` });
  } finally {
    process.kill(frozen.process.pid as number, 'SIGCONT');
  }
  expect((await answerTo(listening[0])).text).toMatch(/^fixture_placed_total\{service="fixture"\} 7$/m);
});
