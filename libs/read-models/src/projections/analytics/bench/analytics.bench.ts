/**
 * Analytics projection throughput per read-store adapter (the analytics view alone, batches of
 * 100 events as a consumer hands them over), beside the raw-pg floor of the same run: 100-row
 * batched jsonb INSERTs, the least any batch of view writes can cost.
 */
import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, type RecordedEvent } from '@ordersource/event-store';
import type { BenchRow, BenchTable } from '@ordersource/platform';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import { MongoClient } from 'mongodb';
import { rawInsertFloor } from '../../../bench/raw-insert-floor';
import { runProjection } from '../../../projection-runner';
import { MongoReadStore } from '../../../store/mongo/mongo-read-store';
import { readModelMigrations } from '../../../store/postgres/migrations';
import { PostgresReadStore } from '../../../store/postgres/postgres-read-store';
import type { ReadStore } from '../../../store/read-store.port';
import { deliveredOrderHistory, orderUuid } from '../../../testing/order-history';
import { readModelViews } from '../..';
import { analyticsProjection } from '../analytics.projection';
import { analyticsDocuments } from '../analytics-documents';
import { durations, logistics, ordersSeries } from '../figures';

const BATCH = 100;

export async function benchAnalyticsProjection(serverUrl: string, mongoUrl?: string, options: { orders?: number } = {}): Promise<BenchTable> {
  const orders = options.orders ?? 1000;
  const events = interleaved(orders);
  const database = await createDatabaseOn(serverUrl, 'os_bench_analytics');
  const rows: BenchRow[] = [];
  try {
    const floor = await rawInsertFloor(database.url, events.length);
    const pg = await openEventStoreDatabase({ url: database.url, chainKey: randomBytes(24).toString('hex'), extraMigrations: readModelMigrations });
    try {
      const store = new PostgresReadStore(pg.pool, readModelViews);
      await store.ensureViews();
      rows.push(throughput('analytics projection, PostgreSQL JSONB', await eventsPerSecond(store, events), floor));
      rows.push(await queryRow(store, orders, 'PostgreSQL JSONB'));
    } finally {
      await pg.close();
    }
    if (mongoUrl) {
      const client = await new MongoClient(mongoUrl).connect();
      const db = client.db(`os_bench_analytics_${randomBytes(4).toString('hex')}`);
      try {
        const store = new MongoReadStore(db, readModelViews);
        await store.ensureViews();
        rows.push(throughput('analytics projection, MongoDB', await eventsPerSecond(store, events), floor));
        rows.push(await queryRow(store, orders, 'MongoDB'));
      } finally {
        await db.dropDatabase();
        await client.close();
      }
    }
    rows.push({ name: 'floor: raw pg 100-row batched jsonb inserts', unit: 'rows/s', value: Math.round(floor) });
  } finally {
    await database.drop();
  }
  return {
    section: 'analytics',
    rows,
    notes: [`${orders} orders of 10 events each (${events.length} events), interleaved as a log of concurrent orders reads them.`],
  };
}

function throughput(name: string, value: number, floor: number): BenchRow {
  return { name, unit: 'events/s', value: Math.round(value), floor: Math.round(floor), ratio: Number((value / floor).toFixed(3)) };
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

async function eventsPerSecond(store: ReadStore, events: RecordedEvent[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (let start = 0; start < events.length; start += BATCH) await runProjection(analyticsProjection, store, events.slice(start, start + BATCH));
  return events.length / seconds(started);
}

function interleaved(orders: number): RecordedEvent[] {
  const histories = Array.from({ length: orders }, (_, index) => deliveredOrderHistory(orderUuid(index + 1), index * 60));
  const events: RecordedEvent[] = [];
  for (let version = 0; version < 10; version += 1) for (const history of histories) events.push(history[version]);
  return events;
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
