/**
 * `npm run bench` section `import` (issue 12): the import of historical orders (the demo's
 * seasonal history, sealed, decided, hashed and appended in batches of new streams) beside the
 * raw-`pg` multi-row insert floor of the same work: the very event rows the import wrote
 * (data and metadata jsonb, ids, versions, times) re-inserted in 100-row INSERTs into a bare
 * keyed table, and the generic floor of the projection benchmarks (small jsonb rows).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { PostgresEventStore, PostgresNamedSequences, openEventStoreDatabase } from '@ordersource/event-store';
import { median } from '@ordersource/event-store/bench';
import { OrderImporter, importDigestKey } from '@ordersource/order-import';
import { createPersonalDataVault, personalDataMigrations } from '@ordersource/personal-data';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { rawInsertFloor } from '@ordersource/read-models/bench';
import { generateHistory } from '../demo/history';
import { BenchTable } from './bench-table';

const DAYS = 28;
const FLOOR_BATCH = 100;
/** A fixed end, so every run imports the same history (its volume follows the weekdays and hours the window covers). */
const HISTORY_END = new Date('2026-11-30T00:00:00Z');

const REPETITIONS = 3;
const WARM_UP_DAYS = 3;

interface ImportRun {
  orders: number;
  events: number;
  eventsPerSecond: number;
  sameRows: number;
}

export async function benchImport(serverUrl: string, target: string): Promise<BenchTable> {
  // Not measured: the first import in a process ran a fifth slower than the next ones (JIT).
  await importOnce(serverUrl, WARM_UP_DAYS);
  const runs: ImportRun[] = [];
  for (let run = 0; run < REPETITIONS; run++) runs.push(await importOnce(serverUrl, DAYS));
  const generic = await genericFloor(serverUrl);
  const eventsPerSecond = median(runs.map((run) => run.eventsPerSecond));
  const sameRows = median(runs.map((run) => run.sameRows));
  const { orders, events } = runs[0];
  const ratios = runs.map((run) => run.eventsPerSecond / run.sameRows).sort((a, b) => a - b);
  return {
    section: 'import',
    target,
    rows: [
      { name: `import, ${orders} orders (${DAYS} days of demo history), batches of 200 orders, median of ${REPETITIONS}`, unit: 'events/s', value: eventsPerSecond, floor: sameRows, ratio: eventsPerSecond / sameRows },
      { name: '  the same, in orders', unit: 'orders/s', value: (eventsPerSecond * orders) / events },
      { name: '  against the generic floor (small jsonb rows)', unit: 'events/s', value: eventsPerSecond, floor: generic, ratio: eventsPerSecond / generic },
    ],
    notes: [
      `Import: NDJSON parsed and validated, each order through the decider, personal fields sealed (one key lookup per batch), ${events} events hashed into their chains and appended with appendToNewStreams (one transaction per batch). ` +
        `Floor: the same ${events} event rows re-inserted by raw pg in ${FLOOR_BATCH}-row INSERTs into a bare keyed table, after each import in its database. ` +
        `${REPETITIONS} repetitions, each on a fresh database, after a ${WARM_UP_DAYS}-day import that is not measured; medians. Each repetition against its own floor: ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}.`,
    ],
  };
}

/** One import of the demo history into a fresh database, and the same rows' raw floor there. */
async function importOnce(serverUrl: string, days: number): Promise<ImportRun> {
  const database = await createDatabaseOn(serverUrl, 'os_bench_import');
  const eventDatabase = await openEventStoreDatabase({ url: database.url, chainKey: randomBytes(32), extraMigrations: personalDataMigrations, poolSize: 6 });
  try {
    const masterKey = randomBytes(32);
    const vault = await createPersonalDataVault({ dataSource: eventDatabase.dataSource, masterKey });
    const store = new PostgresEventStore(eventDatabase);
    const text = [...generateHistory({ seed: 8, days, end: HISTORY_END })].map((line) => JSON.stringify(line)).join('\n');
    const started = process.hrtime.bigint();
    const summary = await new OrderImporter({ store, sealer: vault, sequences: new PostgresNamedSequences(eventDatabase), digestKey: importDigestKey(masterKey) }).run(Readable.from([Buffer.from(text)]), { subject: 'bench' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await store.notificationsSent();
    return { orders: summary.imported, events: summary.events, eventsPerSecond: summary.events / seconds, sameRows: await sameRowsFloor(database.url) };
  } finally {
    await eventDatabase.close();
    await database.drop();
  }
}

async function genericFloor(serverUrl: string): Promise<number> {
  const database = await createDatabaseOn(serverUrl, 'os_bench_import_floor');
  try {
    return await rawInsertFloor(database.url, 20_000);
  } finally {
    await database.drop();
  }
}

/** The import's own rows, re-inserted with nothing but pg: what PostgreSQL needs for the same data. */
async function sameRowsFloor(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ event_id: string; stream_id: string; version: number; data: string; metadata: string; occurred_at: string }>(
      'SELECT event_id::text, stream_id, version, data::text AS data, metadata::text AS metadata, occurred_at::text FROM events',
    );
    await client.query('CREATE TABLE bench_import_floor (event_id uuid PRIMARY KEY, stream_id text NOT NULL, version integer NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, occurred_at timestamptz NOT NULL)');
    const started = process.hrtime.bigint();
    for (let start = 0; start < rows.length; start += FLOOR_BATCH) {
      const batch = rows.slice(start, start + FLOOR_BATCH);
      const values = batch.map((_, index) => `($${index * 6 + 1}, $${index * 6 + 2}, $${index * 6 + 3}, $${index * 6 + 4}::jsonb, $${index * 6 + 5}::jsonb, $${index * 6 + 6})`);
      await client.query(
        `INSERT INTO bench_import_floor VALUES ${values.join(', ')}`,
        batch.flatMap((row) => [row.event_id, row.stream_id, row.version, row.data, row.metadata, row.occurred_at]),
      );
    }
    return rows.length / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await client.end();
  }
}
