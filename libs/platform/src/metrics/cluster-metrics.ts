import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * One /metrics for a service of several node:cluster processes behind one port: whichever
 * worker a scrape reaches asks the primary, which gathers the registry of every worker that is
 * listening (a worker still starting serves nothing, and could not answer yet) and combines them
 * with prom-client's AggregatorRegistry.aggregate (counters and histograms add up; each default
 * process metric aggregates as prom-client defines it), so Prometheus sees the whole service,
 * not whichever worker the kernel picked.
 */
const SCRAPE = 'ordersource:metrics-scrape';
const SCRAPED = 'ordersource:metrics-scraped';
const COLLECT = 'ordersource:metrics-collect';
const COLLECTED = 'ordersource:metrics-collected';
/** How long the primary waits for each worker's registry, and a worker for the primary's answer (a little longer). */
const GATHER_TIMEOUT_MS = 5000;

/** One registry's metrics as getMetricsAsJSON gives them: what aggregate() combines. */
type Metrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

interface Request {
  type: typeof SCRAPE | typeof COLLECT;
  id: number;
}

interface Answer {
  type: typeof SCRAPED | typeof COLLECTED;
  id: number;
  text?: string;
  metrics?: Metrics;
  error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Answers of one kind, awaited by an id unique to this set of waiters, each given up after a timeout. */
class Waiters<T> {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: T): void; reject(error: Error): void }>();

  wait(send: (id: number) => void, timeoutMs: number, late: string): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${late} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      send(id);
    });
  }

  settle(id: number, outcome: { value: T } | { error: string }): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if ('value' in outcome) waiter.resolve(outcome.value);
    else waiter.reject(new Error(outcome.error));
  }
}

/** In the primary: answers the workers' scrapes with every listening worker's metrics combined. */
export function serveClusterMetrics(timeoutMs = GATHER_TIMEOUT_MS): void {
  const listening = new Set<Worker>();
  cluster.on('listening', (worker) => listening.add(worker));
  cluster.on('exit', (worker) => listening.delete(worker));
  const reports = new Waiters<Metrics>();
  const gather = async (): Promise<string> => {
    const workers = [...listening].filter((worker) => worker.isConnected());
    const collected = await Promise.all(
      workers.map((worker) =>
        reports.wait(
          (id) => worker.send({ type: COLLECT, id } satisfies Request),
          timeoutMs,
          `worker ${worker.process.pid} did not report its metrics`,
        ),
      ),
    );
    return AggregatorRegistry.aggregate(collected).metrics();
  };
  cluster.on('message', (worker, message: unknown) => {
    if (isMessage<Answer>(message, COLLECTED)) {
      reports.settle(message.id, message.metrics ? { value: message.metrics } : { error: message.error ?? 'no metrics' });
    } else if (isMessage<Request>(message, SCRAPE)) {
      const answer = (reply: Omit<Answer, 'type' | 'id'>) => {
        if (worker.isConnected()) worker.send({ type: SCRAPED, id: message.id, ...reply } satisfies Answer);
      };
      gather().then(
        (text) => answer({ text }),
        (error: unknown) => answer({ error: messageOf(error) }),
      );
    }
  });
}

/**
 * The scrape of this process's registry: in a cluster worker, the whole cluster's (the worker
 * reports its registry when the primary gathers, and its scrape asks the primary); elsewhere,
 * this registry's own.
 */
export function scraperFor(registry: Registry, answerTimeoutMs = GATHER_TIMEOUT_MS + 1000): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  const scrapes = new Waiters<string>();
  process.on('message', (message: unknown) => {
    if (isMessage<Request>(message, COLLECT)) {
      const report = (reply: Omit<Answer, 'type' | 'id'>) => process.send?.({ type: COLLECTED, id: message.id, ...reply } satisfies Answer);
      registry.getMetricsAsJSON().then(
        (metrics) => report({ metrics }),
        (error: unknown) => report({ error: messageOf(error) }),
      );
    } else if (isMessage<Answer>(message, SCRAPED)) {
      scrapes.settle(message.id, message.text !== undefined ? { value: message.text } : { error: `the cluster's metrics could not be gathered: ${message.error ?? 'no answer'}` });
    }
  });
  return () =>
    scrapes.wait(
      (id) => process.send?.({ type: SCRAPE, id } satisfies Request),
      answerTimeoutMs,
      "the cluster's metrics could not be gathered: the primary did not answer",
    );
}
