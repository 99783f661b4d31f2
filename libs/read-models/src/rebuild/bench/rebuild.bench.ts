/**
 * `npm run bench` section `rebuild` (issue 7): how fast a view is rebuilt from the log, end to
 * end (subscription from the start of the log into a shadow, catch-up, online diff, swap),
 * per read-store adapter, beside a floor measured in the same run on the same server: plain
 * 100-row batched INSERTs of a jsonb document, the least any batch of view writes can cost.
 */
import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, PostgresEventStore } from '@ordersource/event-store';
import { messagingMigrations, PostgresLogSubscriptions } from '@ordersource/messaging';
import { MongoClient } from 'mongodb';
import { MongoReadStore } from '../../store/mongo/mongo-read-store';
import { readModelMigrations } from '../../store/postgres/migrations';
import { PostgresReadStore } from '../../store/postgres/postgres-read-store';
import type { ReadStore } from '../../store/read-store.port';
import { Rebuilder } from '../rebuilder';
import { rebuildMigrations } from '../rebuild-migrations';
import { rebuildViews } from '../rebuild-views';
import { appendOrderHistories } from '../testing/rebuild-fixtures';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import { rawInsertFloor } from '../../bench/raw-insert-floor';
import type { BenchRow, BenchTable } from '@ordersource/platform';



const VIEW = 'order-tracking';

/** `orders` orders of 1-7 events each (about 4 per order); default 5,000. */
export async function benchRebuild(serverUrl: string, mongoUrl?: string, options: { orders?: number } = {}): Promise<BenchTable> {
  const scratch = await createDatabaseOn(serverUrl, 'os_bench_rebuild');
  const rows: BenchRow[] = [];
  try {
    const database = await openEventStoreDatabase({ url: scratch.url, chainKey: randomBytes(24).toString('hex'), extraMigrations: [...messagingMigrations, ...readModelMigrations, ...rebuildMigrations] });
    try {
      const eventStore = new PostgresEventStore(database);
      await appendOrderHistories(eventStore, options.orders ?? 5000);
      const { rows: counted } = await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
      const events = Number(counted[0].n);
      const floor = await rawInsertFloor(scratch.url, events);
      const source = new PostgresLogSubscriptions({ store: eventStore, database, url: scratch.url, pollMs: 100 });
      const rebuild = async (store: ReadStore, adapter: string) => {
        const rebuilder = new Rebuilder({ pool: database.pool, url: scratch.url, store, eventStore, source, pollMs: 10 });
        const started = process.hrtime.bigint();
        const record = await (await rebuilder.start(VIEW)).done;
        if (record.status !== 'swapped') throw new Error(`bench rebuild ended ${record.status}: ${record.error}`);
        const endToEnd = record.processed / seconds(started);
        // The replay rate is the row's own figure (log into the shadow, until caught up); end to
        // end adds the shadow's creation, the online diff of both generations and the swap.
        rows.push(row(`rebuild ${VIEW}: replay, ${adapter}`, record.eventsPerSecond, floor));
        rows.push(row(`rebuild ${VIEW}: end to end (replay, diff, swap), ${adapter}`, endToEnd, floor));
      };
      const postgres = new PostgresReadStore(database.pool, rebuildViews);
      await postgres.ensureViews();
      await rebuild(postgres, 'PostgreSQL log -> PostgreSQL JSONB');
      if (mongoUrl) {
        const client = await new MongoClient(mongoUrl).connect();
        const db = client.db(`os_bench_rebuild_${randomBytes(4).toString('hex')}`);
        try {
          const mongo = new MongoReadStore(db, rebuildViews);
          await mongo.ensureViews();
          await rebuild(mongo, 'PostgreSQL log -> MongoDB');
        } finally {
          await db.dropDatabase();
          await client.close();
        }
      }
      rows.push({ name: 'floor: raw pg 100-row batched jsonb inserts', unit: 'rows/s', value: Math.round(floor) });
    } finally {
      await database.close();
    }
  } finally {
    await scratch.drop();
  }
  return { section: 'rebuild', rows };
}

function row(name: string, value: number, floor: number): BenchRow {
  return { name, unit: 'events/s', value: Math.round(value), floor: Math.round(floor), ratio: Number((value / floor).toFixed(3)) };
}


function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}



