/**
 * `npm run bench`, section `store`: the event store beside raw `pg` doing the cheapest
 * equivalent work on the same server in the same run -- plain INSERTs of the same rows into a
 * bare table (autocommit, no indexes, no chain) and a keyset SELECT of the same rows. The
 * workloads and both sides are the peers section's (store-sides.ts), at a smaller size.
 * The machine is shared and its load swings, so each measure is taken in 5 short rounds, raw and
 * store back to back (alternating which goes first); the ratio is the median of the rounds'
 * ratios, and the figures the medians of each side.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { openEventStoreDatabase, type EventStoreDatabase } from '../database';
import { PostgresEventStore } from '../postgres-event-store';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import type { BenchRow, BenchTable } from '@ordersource/platform';
import { median, type PeerRequest } from './peers.workloads';
import { APPEND_WORKLOADS, ordersourceSide, RAW_EVENTS_DDL, rawSide, WRITERS, type StoreSide } from './store-sides';

export { benchPeers } from './peers.bench';
export { median } from './peers.workloads';

const PAGE = 10_000;
const ROUNDS = 5;
/** The store section's appends per round, as a share of the peers section's. */
const SCALE = 0.3;

export async function benchStore(serverUrl: string): Promise<BenchTable> {
  const scratch = await createDatabaseOn(serverUrl, 'os_bench_store');
  const url = new URL(scratch.url);
  let database: EventStoreDatabase | undefined;
  const raw = new Pool({ connectionString: url.toString(), max: WRITERS + 1 });
  try {
    database = await openEventStoreDatabase({ url: url.toString(), chainKey: randomBytes(32), poolSize: WRITERS + 1 });
    await raw.query(RAW_EVENTS_DDL);
    const store = ordersourceSide(new PostgresEventStore(database));
    const floor = rawSide(raw);
    const rows: BenchRow[] = [];
    for (const workload of APPEND_WORKLOADS) {
      const request: PeerRequest = { kind: 'append', batch: workload.batch, writers: workload.writers, appends: Math.max(10, Math.round(workload.appends * SCALE)) };
      // Warm-up: a fifth of the workload on each side, not measured.
      const warm: PeerRequest = { ...request, appends: Math.ceil(request.appends / 5) };
      await store(warm);
      await floor(warm);
      rows.push(await paired(workload.name, store, floor, request));
    }
    rows.push(await paired(`read the whole log (${PAGE}-event pages)`, store, floor, { kind: 'read', page: PAGE }));
    return { section: 'store', rows };
  } finally {
    await raw.end();
    await database?.close();
    await scratch.drop();
  }
}

async function paired(name: string, store: StoreSide, raw: StoreSide, request: PeerRequest): Promise<BenchRow> {
  const values: number[] = [];
  const floors: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let value: number;
    let floor: number;
    if (round % 2 === 0) {
      value = (await store(request)).rate;
      floor = (await raw(request)).rate;
    } else {
      floor = (await raw(request)).rate;
      value = (await store(request)).rate;
    }
    values.push(value);
    floors.push(floor);
    ratios.push(value / floor);
  }
  return { name, unit: 'events/s', value: Math.round(median(values)), floor: Math.round(median(floors)), ratio: Math.round(median(ratios) * 100) / 100 };
}
