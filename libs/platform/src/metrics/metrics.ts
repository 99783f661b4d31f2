import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { scraperFor } from './cluster-metrics';

/** One Prometheus registry per service, with process metrics and HTTP request timings. */
export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** What /metrics answers: this registry, or in a cluster worker the whole cluster's (cluster-metrics.ts). */
  scrape(): Promise<string>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'ordersource_' });
  const httpDuration = new Histogram({
    name: 'ordersource_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // 1 in each process; summed over a cluster's workers by its /metrics, so it counts them.
  new Gauge({ name: 'ordersource_service_processes', help: 'Processes serving this service behind its port (COMMAND_WORKERS)', aggregator: 'sum', registers: [registry] }).set(1);
  return { registry, httpDuration, scrape: scraperFor(registry) };
}

export function counter<L extends string>(metrics: ServiceMetrics, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [metrics.registry] });
}

export function histogram<L extends string>(metrics: ServiceMetrics, name: string, help: string, labelNames: readonly L[], buckets?: number[]): Histogram<L> {
  return new Histogram({ name, help, labelNames, buckets, registers: [metrics.registry] });
}
