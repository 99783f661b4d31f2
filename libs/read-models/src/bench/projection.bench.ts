/**
 * Projection throughput per read-store adapter, each beside its own store's floor measured in the
 * same run on the same server: for PostgreSQL, plain 100-row batched INSERTs of a jsonb document
 * with raw `pg`; for MongoDB, 100-document insertMany calls of the same documents with the raw
 * `mongodb` driver (raw-insert-floor.ts). Each is the least any batch of view writes can cost
 * there. Events are delivered in batches of 100 as a consumer hands them over, and
 * each batch goes through every measured projection (one delivery = one write per view). One
 * definition for every projection benchmark: `queries` (all views) and `analytics` (the fifth
 * view alone, plus its query figures) both run measureProjectionThroughput.
 */
import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, type RecordedEvent } from '@ordersource/event-store';
import { MongoClient } from 'mongodb';
import { projections, readModelViews } from '../projections';
import type { Projection } from '../projections/projection';
import { runProjection } from '../projection-runner';
import { MongoReadStore } from '../store/mongo/mongo-read-store';
import { readModelMigrations } from '../store/postgres/migrations';
import { PostgresReadStore } from '../store/postgres/postgres-read-store';
import type { ReadStore, ViewWriter } from '../store/read-store.port';
import { deliveredOrderHistory, orderUuid } from '../testing/order-history';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import { rawInsertFloor, rawMongoInsertFloor } from './raw-insert-floor';
import { mongoSameRowsFloor, pgSameRowsFloor, rowsIn, type WrittenBatch } from './same-rows-floor';
import type { BenchRow, BenchTable } from '@ordersource/platform';

export interface BenchOptions {
  /** Orders of 10 events each; default 300 (3,000 events, 15,000 view updates). */
  orders?: number;
}

const BATCH = 100;

export interface ProjectionThroughputOptions {
  serverUrl: string;
  mongoUrl?: string;
  /** Database name prefix on the server. */
  prefix: string;
  section: string;
  /** What is measured, e.g. `projection throughput` or `analytics projection`. */
  label: string;
  projections: readonly Projection[];
  orders: number;
  /** Minutes between consecutive orders' placements (business time). */
  spacingMinutes: number;
  /** Rows measured on each adapter's store once its throughput was taken. */
  after?: (store: ReadStore, adapter: string) => Promise<BenchRow[]>;
  notes?: string[];
}

export async function benchProjections(serverUrl: string, mongoUrl?: string, options: BenchOptions = {}): Promise<BenchTable> {
  return measureProjectionThroughput({
    serverUrl,
    mongoUrl,
    prefix: 'os_bench',
    section: 'queries',
    label: 'projection throughput',
    projections: Object.values(projections),
    orders: options.orders ?? 300,
    spacingMinutes: 1,
  });
}

export async function measureProjectionThroughput(options: ProjectionThroughputOptions): Promise<BenchTable> {
  const events = interleaved(options.orders, options.spacingMinutes);
  const database = await createDatabaseOn(options.serverUrl, options.prefix);
  const rows: BenchRow[] = [];
  const views = options.projections.length === 1 ? '' : ` (${options.projections.length} views)`;
  try {
    const floor = await rawInsertFloor(database.url, events.length);
    const pg = await openEventStoreDatabase({ url: database.url, chainKey: randomBytes(24).toString('hex'), extraMigrations: readModelMigrations });
    try {
      const store = new PostgresReadStore(pg.pool, readModelViews);
      await store.ensureViews();
      const measured = await measure(store, options.projections, events);
      const after = (await options.after?.(store, 'PostgreSQL JSONB')) ?? [];
      const sameRows = await pgSameRowsFloor(pg.pool, store, measured.written);
      rows.push(...throughputRows(`${options.label}, PostgreSQL JSONB${views}`, measured, floor, sameRows), ...after);
      rows.push(
        { name: 'floor: raw pg 100-row batched jsonb inserts', unit: 'rows/s', value: Math.round(floor) },
        { name: 'floor: the same view rows, upserted with raw pg into the same tables (per batch, one multi-row upsert per table)', unit: 'rows/s', value: Math.round(sameRows) },
      );
    } finally {
      await pg.close();
    }
    if (options.mongoUrl) {
      const client = await new MongoClient(options.mongoUrl).connect();
      const db = client.db(`${options.prefix}_${randomBytes(4).toString('hex')}`);
      try {
        const store = new MongoReadStore(db, readModelViews);
        await store.ensureViews();
        const measured = await measure(store, options.projections, events);
        // Taken after the projection, on a warm client and server: the stricter of the two orders.
        const mongoFloor = await rawMongoInsertFloor(db, events.length);
        const after = (await options.after?.(store, 'MongoDB')) ?? [];
        const sameRows = await mongoSameRowsFloor(db, store, measured.written);
        rows.push(...throughputRows(`${options.label}, MongoDB${views}`, measured, mongoFloor, sameRows), ...after);
        rows.push(
          { name: 'floor: raw mongodb driver, 100-document insertMany (same MongoDB server)', unit: 'rows/s', value: Math.round(mongoFloor) },
          { name: 'floor: the same view documents, upserted with the raw mongodb driver into the same collections (per batch, one bulkWrite per collection)', unit: 'rows/s', value: Math.round(sameRows) },
        );
      } finally {
        await db.dropDatabase();
        await client.close();
      }
    }
  } finally {
    await database.drop();
  }
  const notes = [
    `${options.orders} orders of 10 events each (${events.length} events), interleaved as a log of concurrent orders reads them, delivered in batches of ${BATCH}; each batch is one write per view.`,
    `Each store against its own floor, ${events.length} rows of {n, status} keyed by a text id: PostgreSQL, raw pg multi-row INSERTs of 100 jsonb rows into a bare table (primary key only), before the projection; MongoDB, the raw mongodb driver's unordered insertMany of 100 documents into a fresh collection of the same server (the in-process test double unless a real mongod's URL is given), after the projection. The rows/s lines compare like with like. A second floor per store replays the very change sets the projection applied, batch by batch, upserted with the raw driver into a fresh generation of the same views (same tables or collections and indexes), without reading heads or guarding versions (same-rows-floor.ts).`,
    ...(options.notes ?? []),
  ];
  return { section: options.section, rows, notes };
}

/**
 * Events per second against the store's floor, and beside it the view rows (heads and records)
 * written per second against the same floor: an event writes one row in each of several views,
 * the floor one row per row, so the second ratio compares like with like.
 */
function throughputRows(name: string, measured: Measured, floor: number, sameRows: number): BenchRow[] {
  const events = measured.events / measured.seconds;
  const rows = rowsIn(measured.written) / measured.seconds;
  return [
    { name, unit: 'events/s', value: Math.round(events), floor: Math.round(floor), ratio: Number((events / floor).toFixed(3)) },
    { name: `  the same, in view rows written (${(rowsIn(measured.written) / measured.events).toFixed(1)} per event)`, unit: 'rows/s', value: Math.round(rows), floor: Math.round(floor), ratio: Number((rows / floor).toFixed(3)) },
    { name: '  the same view rows, against those rows upserted raw (floor below)', unit: 'rows/s', value: Math.round(rows), floor: Math.round(sameRows), ratio: Number((rows / sameRows).toFixed(3)) },
  ];
}

interface Measured {
  events: number;
  seconds: number;
  /** What each apply wrote: the applied change sets, for the counts and the same-rows floor. */
  written: WrittenBatch[];
}

async function measure(store: ReadStore, measured: readonly Projection[], events: RecordedEvent[]): Promise<Measured> {
  const written: WrittenBatch[] = [];
  const recording: ViewWriter = {
    ensureViews: () => store.ensureViews(),
    loadHeads: (view, orderIds, options) => store.loadHeads(view, orderIds, options),
    applyChanges: async (view, changes, options) => {
      const result = await store.applyChanges(view, changes, options);
      const applied = new Set(result.applied);
      written.push({ view, changes: changes.filter((change) => applied.has(change.orderId)) });
      return result;
    },
  };
  const started = process.hrtime.bigint();
  for (let start = 0; start < events.length; start += BATCH) {
    const batch = events.slice(start, start + BATCH);
    for (const projection of measured) await runProjection(projection, recording, batch);
  }
  return { events: events.length, seconds: seconds(started), written };
}

/** Orders' histories dealt round-robin, as a log of concurrent orders reads. */
function interleaved(orders: number, spacingMinutes: number): RecordedEvent[] {
  const histories = Array.from({ length: orders }, (_, index) => deliveredOrderHistory(orderUuid(index + 1), index * spacingMinutes));
  const events: RecordedEvent[] = [];
  for (let version = 0; version < 10; version += 1) for (const history of histories) events.push(history[version]);
  return events;
}

export function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export { rawInsertFloor } from './raw-insert-floor';
