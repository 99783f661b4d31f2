/**
 * Projection throughput per read-store adapter, beside a floor measured in the same run on the
 * same server: plain 100-row batched INSERTs of a jsonb document, the least any batch of view
 * writes can cost. Each event goes through every projection (one delivery = one update per view),
 * in batches of 100 events as a consumer would hand them over.
 */
import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, type RecordedEvent } from '@ordersource/event-store';
import { MongoClient } from 'mongodb';
import { projections, readModelViews } from '../projections';
import { runProjection } from '../projection-runner';
import { MongoReadStore } from '../store/mongo/mongo-read-store';
import { readModelMigrations } from '../store/postgres/migrations';
import { PostgresReadStore } from '../store/postgres/postgres-read-store';
import type { ReadStore } from '../store/read-store.port';
import { deliveredOrderHistory, orderUuid } from '../testing/order-history';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import { rawInsertFloor } from './raw-insert-floor';
import type { BenchRow, BenchTable } from '@ordersource/platform';



export interface BenchOptions {
  /** Orders of 10 events each; default 300 (3,000 events, 12,000 view updates). */
  orders?: number;
}

const BATCH = 100;

export async function benchProjections(serverUrl: string, mongoUrl?: string, options: BenchOptions = {}): Promise<BenchTable> {
  const events = interleaved(options.orders ?? 300);
  const database = await createDatabaseOn(serverUrl, 'os_bench');
  const rows: BenchRow[] = [];
  try {
    const floor = await rawInsertFloor(database.url, events.length);
    const pg = await openEventStoreDatabase({ url: database.url, chainKey: randomBytes(24).toString('hex'), extraMigrations: readModelMigrations });
    try {
      const store = new PostgresReadStore(pg.pool, readModelViews);
      await store.ensureViews();
      rows.push(row(`projection throughput, PostgreSQL JSONB (${readModelViews.length} views)`, await eventsPerSecond(store, events), floor));
    } finally {
      await pg.close();
    }
    if (mongoUrl) {
      const client = await new MongoClient(mongoUrl).connect();
      const db = client.db(`os_bench_${randomBytes(4).toString('hex')}`);
      try {
        const store = new MongoReadStore(db, readModelViews);
        await store.ensureViews();
        rows.push(row(`projection throughput, MongoDB (${readModelViews.length} views)`, await eventsPerSecond(store, events), floor));
      } finally {
        await db.dropDatabase();
        await client.close();
      }
    }
    rows.push({ name: 'floor: raw pg 100-row batched jsonb inserts', unit: 'rows/s', value: Math.round(floor) });
  } finally {
    await database.drop();
  }
  return { section: 'queries', rows };
}

function row(name: string, value: number, floor: number): BenchRow {
  return { name, unit: 'events/s', value: Math.round(value), floor: Math.round(floor), ratio: Number((value / floor).toFixed(3)) };
}

async function eventsPerSecond(store: ReadStore, events: RecordedEvent[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (let start = 0; start < events.length; start += BATCH) {
    const batch = events.slice(start, start + BATCH);
    for (const projection of Object.values(projections)) await runProjection(projection, store, batch);
  }
  return events.length / seconds(started);
}


/** Orders' histories dealt round-robin, as a log of concurrent orders reads. */
function interleaved(orders: number): RecordedEvent[] {
  const histories = Array.from({ length: orders }, (_, index) => deliveredOrderHistory(orderUuid(index + 1), index));
  const events: RecordedEvent[] = [];
  for (let version = 0; version < 10; version += 1) for (const history of histories) events.push(history[version]);
  return events;
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}


