import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { serveClusterMetrics } from './cluster-metrics';

/**
 * This jest process is a real node:cluster primary of two workers (testing/cluster-metrics-worker.ts),
 * each counting a different amount: a scrape in either answers both summed once the primary serves
 * the cluster's metrics, and a clear error (no hang) while it does not.
 */
let workers: Worker[] = [];

function answerTo(worker: Worker, message: string): Promise<{ text?: string; error?: string }> {
  return new Promise((resolve) => {
    // The worker's other messages (ready, its own request to the primary) are not the answer.
    const listener = (answer: { text?: string; error?: string }) => {
      if (answer.text === undefined && answer.error === undefined) return;
      worker.off('message', listener);
      resolve(answer);
    };
    worker.on('message', listener);
    worker.send(message);
  });
}

beforeAll(async () => {
  cluster.setupPrimary({ exec: join(__dirname, 'testing', 'cluster-metrics-worker.ts'), execArgv: ['-r', '@swc-node/register'], silent: true });
  workers = [3, 4].map((counted) => cluster.fork({ COUNTED: String(counted), ANSWER_TIMEOUT_MS: '300' }));
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => worker.once('message', () => resolve()))));
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : (worker.once('exit', () => resolve()), worker.kill())))));
});

it("fails the scrape with a clear error when the primary does not answer (it is not serving the cluster's metrics)", async () => {
  expect(await answerTo(workers[0], 'scrape')).toEqual({ error: "the cluster's metrics could not be gathered: the primary did not answer within 300 ms" });
});

it("answers a scrape in any worker with every worker's counters summed, default labels kept", async () => {
  serveClusterMetrics();
  for (const worker of workers) {
    const { text, error } = await answerTo(worker, 'scrape');
    expect(error).toBeUndefined();
    expect(text).toMatch(/^fixture_placed_total\{service="fixture"\} 7$/m);
  }
});
