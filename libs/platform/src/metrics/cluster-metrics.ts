import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * One /metrics for a service of several node:cluster processes behind one port: whichever
 * worker a scrape reaches asks the primary, which gathers every worker's registry and sums them
 * (prom-client's AggregatorRegistry: counters and histograms add up, and each default process
 * metric aggregates as prom-client defines it), so Prometheus sees the whole service, not
 * whichever worker the kernel picked.
 */
const SCRAPE = 'ordersource:metrics-scrape';
const SCRAPED = 'ordersource:metrics-scraped';
/** prom-client's primary gives up on a worker after 5 s; a worker waits a little longer for its answer. */
const ANSWER_TIMEOUT_MS = 6000;

interface ScrapeMessage {
  type: typeof SCRAPE;
  id: number;
}

interface ScrapedMessage {
  type: typeof SCRAPED;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/** In the primary: answers the workers' scrapes with every worker's metrics combined. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<ScrapeMessage>(message, SCRAPE)) return;
    const answer = (reply: Omit<ScrapedMessage, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: SCRAPED, id: message.id, ...reply } satisfies ScrapedMessage);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/**
 * The scrape of this process's registry: in a cluster worker, the whole cluster's (the registry
 * is offered to the primary's aggregation, and the scrape asks the primary); elsewhere, this
 * registry's own.
 */
export function scraperFor(registry: Registry, answerTimeoutMs = ANSWER_TIMEOUT_MS): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's answer to the primary's gathering
  let next = 0;
  const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  process.on('message', (message: unknown) => {
    if (!isMessage<ScrapedMessage>(message, SCRAPED)) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error !== undefined || message.text === undefined) waiter.reject(new Error(`the cluster's metrics could not be gathered: ${message.error ?? 'no answer'}`));
    else waiter.resolve(message.text);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the cluster's metrics could not be gathered: the primary did not answer within ${answerTimeoutMs} ms`));
      }, answerTimeoutMs);
      pending.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      process.send?.({ type: SCRAPE, id } satisfies ScrapeMessage);
    });
}
