/**
 * The last step before a swap, run while the live projection is paused: every order with an
 * event past the rebuild's log bound (appended since the rebuild began) is brought in the
 * shadow up to the event store's version, from the event store itself. Together with the
 * subscription having delivered the whole log below the bound, that makes the shadow at least
 * as far as the live view for every order, so after the swap the live handler only meets
 * duplicates or the next version: readers never see an order step back.
 */
import { readHorizon, type EventStore, type RecordedEvent } from '@ordersource/event-store';
import type { Pool } from 'pg';
import { assertNoGaps, runProjection } from '../projection-runner';
import type { Projection } from '../projections/projection';
import type { ReadStore } from '../store/read-store.port';
import { orderIdOf, orderStreamId } from '@ordersource/domain';

const CHUNK = 500;
export async function catchUpChangedOrders(pool: Pool, eventStore: EventStore, projection: Projection, store: ReadStore, generation: number, logBound: string): Promise<number> {
  const { rows } = await pool.query<{ stream_id: string; version: number }>(
    `SELECT stream_id, max(version) AS version FROM events WHERE transaction_id >= $1::xid8 AND stream_id LIKE $2 GROUP BY stream_id`,
    [logBound, `${orderStreamId('')}%`],
  );
  let applied = 0;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const heads = await store.loadHeads(projection.name, chunk.map((row) => orderIdOf(row.stream_id)), { generation });
    const missing: RecordedEvent[] = [];
    for (const row of chunk) {
      const have = heads.get(orderIdOf(row.stream_id))?.version ?? 0;
      if (have < row.version) missing.push(...(await eventStore.readStream(row.stream_id, { fromVersion: have + 1 })));
    }
    if (missing.length === 0) continue;
    const stats = await runProjection(projection, store, missing, { generation, history: eventStore });
    assertNoGaps(stats);
    applied += stats.applied;
  }
  return applied;
}

/**
 * The log's read horizon now (readAll's): below it the log is final. It used to be the
 * snapshot's xmin, which any write transaction in another database on the server holds back: a
 * neighbour's long transaction made a rebuild begin with a bound below every event (CI, on the
 * shared PostgreSQL 15: total 0, and a verify-only run reported every order as a difference).
 */
export async function logBoundNow(pool: Pool): Promise<{ bound: string; events: number }> {
  const bound = await readHorizon(pool);
  return { bound, events: await eventsBelow(pool, bound) };
}

/** Events the log holds below a bound: what a reader from the start must deliver to reach it. */
export async function eventsBelow(pool: Pool, bound: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE transaction_id < $1::xid8', [bound]);
  return Number(rows[0].n);
}
