/**
 * `npm run bench -- recovery` (issue 13): export (with its manifest), offline verify and
 * restore (verify + load in one transaction) of the same log, beside the raw floor: the
 * server's own `COPY ... TO/FROM` a file of the same rows (no client, no JSON, no hashing),
 * the cheapest way PostgreSQL can dump and load them.
 */
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import type { BenchRow, BenchTable } from '@ordersource/platform';
import type { NewEvent } from '../../event-store.port';
import { openEventStoreDatabase } from '../../postgres/database';
import { PostgresEventStore } from '../../postgres/postgres-event-store';
import { exportLog } from '../export-log';
import { restoreExport } from '../restore-export';
import { verifyExport } from '../verify-export';

const STREAMS = 500;
const EVENTS_PER_STREAM = 100;
const COLUMNS = 'position, event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash';

export async function benchRecovery(serverUrl: string): Promise<BenchTable> {
  const [source, target, floor] = await Promise.all([
    createDatabaseOn(serverUrl, 'os_bench_export'),
    createDatabaseOn(serverUrl, 'os_bench_restore'),
    createDatabaseOn(serverUrl, 'os_bench_copy'),
  ]);
  const folder = await mkdtemp(join(tmpdir(), 'os-bench-recovery-'));
  // The server writes and reads the COPY file itself (it may run as another system user).
  await chmod(folder, 0o777);
  const chainKey = randomBytes(32);
  const total = STREAMS * EVENTS_PER_STREAM;
  try {
    const database = await openEventStoreDatabase({ url: source.url, chainKey, poolSize: 4 });
    const file = join(folder, 'log.ndjson');
    let exportSeconds: number;
    try {
      const store = new PostgresEventStore(database);
      for (let stream = 0; stream < STREAMS; stream++) {
        await store.appendToStream(`order-${randomUUID()}`, 'no_stream', Array.from({ length: EVENTS_PER_STREAM }, (_, n) => event(n)));
      }
      const out = createWriteStream(file);
      const started = process.hrtime.bigint();
      await exportLog(database.pool, chainKey, out);
      out.end();
      await finished(out);
      exportSeconds = seconds(started);
    } finally {
      await database.close();
    }
    let started = process.hrtime.bigint();
    const verdict = await verifyExport(file, chainKey);
    const verifySeconds = seconds(started);
    if (!verdict.ok) throw new Error('the benchmark export does not verify');
    started = process.hrtime.bigint();
    await restoreExport(target.url, file, chainKey);
    const restoreSeconds = seconds(started);

    const copyFile = join(folder, 'events.copy');
    const { dump, load } = await copyFloor(source.url, floor.url, copyFile);
    const rows: BenchRow[] = [
      row(`export ${total} events (stream order, manifest signed)`, total / exportSeconds, total / dump),
      row(`verify the export offline (hashes, chains, heads, signature)`, total / verifySeconds, total / dump),
      row(`restore into an empty store (verify + load, one transaction)`, total / restoreSeconds, total / load),
    ];
    return {
      section: 'recovery',
      rows,
      notes: [
        `${STREAMS} streams of ${EVENTS_PER_STREAM} events; floor: server-side COPY of the same rows to a file (export, verify) and from it into a bare table (restore)`,
      ],
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
    await Promise.all([source.drop(), target.drop(), floor.drop()]);
  }
}

async function copyFloor(sourceUrl: string, floorUrl: string, file: string): Promise<{ dump: number; load: number }> {
  const from = new Client({ connectionString: sourceUrl });
  const into = new Client({ connectionString: floorUrl });
  await Promise.all([from.connect(), into.connect()]);
  try {
    let started = process.hrtime.bigint();
    await from.query(`COPY (SELECT ${COLUMNS} FROM events ORDER BY stream_id, version) TO '${file}'`);
    const dump = seconds(started);
    await into.query(`CREATE TABLE events (position bigint, event_id uuid, stream_id text, version integer, type text, schema_version integer,
      data jsonb, metadata jsonb, occurred_at timestamptz(3), recorded_at timestamptz(3), previous_hash text, hash text, PRIMARY KEY (stream_id, version))`);
    started = process.hrtime.bigint();
    await into.query(`COPY events (${COLUMNS}) FROM '${file}'`);
    return { dump, load: seconds(started) };
  } finally {
    await Promise.all([from.end(), into.end()]);
  }
}

function event(n: number): NewEvent {
  return {
    type: n === 0 ? 'OrderPlaced' : 'ShipmentCheckpointRecorded',
    schemaVersion: 1,
    data: { n, location: `hub-${n % 7}`, kind: 'arrived', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 1250 }] },
    metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: 'operator:bench' },
    occurredAt: new Date().toISOString(),
  };
}

function row(name: string, value: number, floor: number): BenchRow {
  return { name, unit: 'events/s', value: Math.round(value), floor: Math.round(floor), ratio: Math.round((value / floor) * 100) / 100 };
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
