/**
 * A node:cluster worker for cluster-metrics.spec.ts: a registry with one counter at COUNTED, the
 * scrape scraperFor gives it, run whenever the primary sends 'scrape'. It listens (on a port the
 * cluster shares) only when LISTEN is set: the primary gathers the metrics of listening workers.
 */
import { createServer } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { scraperFor } from '../cluster-metrics';

const registry = new Registry();
registry.setDefaultLabels({ service: 'fixture' });
new Counter({ name: 'fixture_placed_total', help: 'what this worker counted', registers: [registry] }).inc(Number(process.env.COUNTED));
const scrape = scraperFor(registry, Number(process.env.ANSWER_TIMEOUT_MS));
process.on('message', (message: unknown) => {
  if (message !== 'scrape') return;
  scrape().then(
    (text) => process.send?.({ text }),
    (error: unknown) => process.send?.({ error: (error as Error).message }),
  );
});
const ready = () => process.send?.({ ready: true });
if (process.env.LISTEN) createServer().listen(Number(process.env.LISTEN), '127.0.0.1', ready);
else ready();
