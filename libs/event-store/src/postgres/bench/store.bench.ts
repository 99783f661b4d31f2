/**
 * `npm run bench`, section `store`: the event store beside raw `pg` doing the cheapest
 * equivalent work on the same server in the same run -- plain INSERTs of the same rows into a
 * bare table (autocommit, no indexes, no chain) and a keyset SELECT of the same rows.
 * The machine is shared and its load swings, so each measure is taken in 5 short rounds, raw and
 * store back to back (alternating which goes first); the ratio is the median of the rounds'
 * ratios, and the figures the medians of each side.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { NewEvent } from '../../event-store.port';
import { openEventStoreDatabase, type EventStoreDatabase } from '../database';
import { PostgresEventStore } from '../postgres-event-store';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import type { BenchRow, BenchTable } from '@ordersource/platform';

export { benchPeers } from './peers.bench';

const WRITERS = 16;
const PAGE = 10_000;
const ROUNDS = 5;

export async function benchStore(serverUrl: string): Promise<BenchTable> {
  const scratch = await createDatabaseOn(serverUrl, 'os_bench_store');
  const url = new URL(scratch.url);
  let database: EventStoreDatabase | undefined;
  const raw = new Pool({ connectionString: url.toString(), max: WRITERS + 1 });
  try {
    database = await openEventStoreDatabase({ url: url.toString(), chainKey: randomBytes(32), poolSize: WRITERS + 1 });
    await raw.query(`CREATE TABLE raw_events (position bigint GENERATED ALWAYS AS IDENTITY, event_id uuid, stream_id text, version integer,
      type text, schema_version integer, data jsonb, metadata jsonb, occurred_at timestamptz(3), recorded_at timestamptz(3),
      previous_hash text, hash text)`);
    const bench = new Pair(new PostgresEventStore(database), raw);
    const rows: BenchRow[] = [];
    rows.push(await bench.measure('append 1 event, sequential', 1, 1, 600));
    rows.push(await bench.measure(`append 1 event, ${WRITERS} concurrent writers`, 1, WRITERS, 2000));
    rows.push(await bench.measure('append 10 events, sequential', 10, 1, 120));
    rows.push(await bench.measure('append 100 events, sequential', 100, 1, 25));
    rows.push(await bench.readWholeLog());
    return { section: 'store', rows };
  } finally {
    await raw.end();
    await database?.close();
    await scratch.drop();
  }
}

class Pair {
  private streamCounter = 0;
  /** Stream versions as a command handler would have loaded them. */
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly store: PostgresEventStore,
    private readonly raw: Pool,
  ) {}

  /** `appends` appends of `batch` events spread over `writers` concurrent loops, per round. */
  async measure(name: string, batch: number, writers: number, appends: number): Promise<BenchRow> {
    await this.storeAppends(batch, writers, Math.ceil(appends / 5));
    await this.rawInserts(batch, writers, Math.ceil(appends / 5));
    return paired(name, () => this.storeAppends(batch, writers, appends), () => this.rawInserts(batch, writers, appends));
  }

  readWholeLog(): Promise<BenchRow> {
    return paired(`read the whole log (${PAGE}-event pages)`, () => timed(() => this.storeRead()), () => timed(() => this.rawRead()));
  }

  private storeAppends(batch: number, writers: number, appends: number): Promise<number> {
    return inLoops(writers, appends, async (writer) => {
      // Each writer cycles over its own streams (no conflicts) with the version it last saw,
      // as a command handler appends with the version it loaded.
      const streamId = `bench-${writer}-${this.streamCounter++ % 50}`;
      const result = await this.store.appendToStream(streamId, this.versions.get(streamId) ?? 'no_stream', newEvents(batch));
      this.versions.set(streamId, (result as { version: number }).version);
      return batch;
    });
  }

  private rawInserts(batch: number, writers: number, appends: number): Promise<number> {
    return inLoops(writers, appends, async (writer) => {
      const values: unknown[] = [];
      const tuples = newEvents(batch).map((event, index) => {
        values.push(randomUUID(), `bench-${writer}`, index + 1, event.type, event.schemaVersion, event.data, event.metadata, event.occurredAt,
          event.occurredAt, hex(), hex());
        const base = index * 11;
        return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(',')})`;
      });
      await this.raw.query(
        `INSERT INTO raw_events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
         VALUES ${tuples.join(',')}`,
        values,
      );
      return batch;
    });
  }

  private async storeRead(): Promise<number> {
    let count = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.store.readAll({ after, limit: PAGE });
      count += page.events.length;
      after = page.cursor;
      if (page.endOfLog) return count;
    }
  }

  private async rawRead(): Promise<number> {
    let count = 0;
    let after = '0';
    for (;;) {
      const { rows } = await this.raw.query(
        `SELECT event_id, stream_id, version, position, type, schema_version, data, metadata, occurred_at, recorded_at, hash, previous_hash
         FROM raw_events WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, PAGE],
      );
      count += rows.length;
      if (rows.length < PAGE) return count;
      after = rows[rows.length - 1].position;
    }
  }
}

/** Runs `appends` calls of `work` over `writers` loops; returns events per second. */
async function inLoops(writers: number, appends: number, work: (writer: number) => Promise<number>): Promise<number> {
  let remaining = appends;
  return timed(async () => {
    const counts = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        let events = 0;
        while (remaining > 0) {
          remaining--;
          events += await work(writer);
        }
        return events;
      }),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  });
}

async function timed(work: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  const events = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return events / seconds;
}

async function paired(name: string, store: () => Promise<number>, raw: () => Promise<number>): Promise<BenchRow> {
  const values: number[] = [];
  const floors: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let value: number;
    let floor: number;
    if (round % 2 === 0) {
      value = await store();
      floor = await raw();
    } else {
      floor = await raw();
      value = await store();
    }
    values.push(value);
    floors.push(floor);
    ratios.push(value / floor);
  }
  return { name, unit: 'events/s', value: Math.round(median(values)), floor: Math.round(median(floors)), ratio: Math.round(median(ratios) * 100) / 100 };
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function newEvents(count: number): NewEvent[] {
  const occurredAt = new Date().toISOString();
  return Array.from({ length: count }, (_, index) => ({
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { orderId: 'order-0b7c6a64-5f0e-4a53-9d3a-1e6f2b9f4c11', sku: `sku-${index}`, quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } },
    metadata: { correlationId: '5d0c7a0e-3f4b-4c2d-9a51-0f3e7c2b1a90', causationId: '5d0c7a0e-3f4b-4c2d-9a51-0f3e7c2b1a90', actor: 'user-42' },
    occurredAt,
  }));
}

function hex(): string {
  return randomBytes(32).toString('hex');
}

