/**
 * Analytics projection throughput per read-store adapter (the analytics view alone), beside the
 * raw-pg floor of the same run, measured by the one projection benchmark
 * (bench/projection.bench.ts), plus what one window's analytics query costs on each adapter.
 */
import type { BenchRow, BenchTable } from '@ordersource/platform';
import { measureProjectionThroughput, seconds } from '../../../bench/projection.bench';
import type { ReadStore } from '../../../store/read-store.port';
import { analyticsProjection } from '../analytics.projection';
import { analyticsDocuments } from '../analytics-documents';
import { durations, logistics, ordersSeries } from '../figures';

export async function benchAnalyticsProjection(serverUrl: string, mongoUrl?: string, options: { orders?: number } = {}): Promise<BenchTable> {
  const orders = options.orders ?? 1000;
  return measureProjectionThroughput({
    serverUrl,
    mongoUrl,
    prefix: 'os_bench_analytics',
    section: 'analytics',
    label: 'analytics projection',
    projections: [analyticsProjection],
    orders,
    spacingMinutes: 60,
    after: async (store, adapter) => [await queryRow(store, orders, adapter)],
  });
}

/** One window's documents read and folded into the orders series, durations and logistics. */
async function queryRow(store: ReadStore, orders: number, label: string): Promise<BenchRow> {
  const window = { from: '2026-01-05T00:00:00.000Z', to: '2026-01-06T00:00:00.000Z' };
  const started = process.hrtime.bigint();
  const documents = await analyticsDocuments(store, window);
  ordersSeries(documents, { ...window, bucket: 'hour', groupBy: 'carrier' });
  durations(documents, window);
  logistics(documents, window);
  return { name: `analytics query over ${orders} orders (read + fold, hourly), ${label}`, unit: 'ms', value: Number((seconds(started) * 1000).toFixed(1)) };
}
