/**
 * The store workloads, defined once (issue 18's duplicate check): the append and read
 * workloads, the raw-`pg` floor's table and the two sides every store benchmark measures --
 * ordersource's PostgresEventStore and raw `pg` doing the cheapest equivalent work. The `store`
 * section (store.bench.ts) pairs them; `peers` (peers.bench.ts) adds Emmett beside them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { PostgresEventStore } from '../postgres-event-store';
import { inLoops, newEvents, timedCpu, type PeerRequest, type PeerResult } from './peers.workloads';

export const WRITERS = 16;

/** Appends per workload at scale 1 (the peers section's size; the store section runs fewer). */
export const APPEND_WORKLOADS = [
  { name: '1-event append, sequential', batch: 1, writers: 1, appends: 2000 },
  { name: `1-event append, ${WRITERS} writers`, batch: 1, writers: WRITERS, appends: 4000 },
  { name: '10-event appends', batch: 10, writers: 1, appends: 800 },
  { name: '100-event appends', batch: 100, writers: 1, appends: 200 },
];

/** The floor's bare table: the event rows, no indexes, no chain. */
export const RAW_EVENTS_DDL = `CREATE TABLE raw_events (position bigint GENERATED ALWAYS AS IDENTITY, event_id uuid, stream_id text, version integer,
  type text, schema_version integer, data jsonb, metadata jsonb, occurred_at timestamptz(3), recorded_at timestamptz(3),
  previous_hash text, hash text)`;

export type StoreSide = (request: PeerRequest) => Promise<PeerResult>;

export function ordersourceSide(store: PostgresEventStore): StoreSide {
  const versions = new Map<string, number>();
  let streamCounter = 0;
  return (request) => {
    if (request.kind === 'read') {
      return timedCpu(async () => {
        let count = 0;
        let after: string | undefined;
        for (;;) {
          const page = await store.readAll({ after, limit: request.page });
          count += page.events.length;
          after = page.cursor;
          if (page.endOfLog) return count;
        }
      });
    }
    return inLoops(request.writers, request.appends, async (writer) => {
      // Each writer cycles over its own streams with the version it last saw, as a command
      // handler appends with the version it loaded.
      const streamId = `bench-${writer}-${streamCounter++ % 50}`;
      const result = await store.appendToStream(streamId, versions.get(streamId) ?? 'no_stream', newEvents(request.batch));
      versions.set(streamId, (result as { version: number }).version);
      return request.batch;
    });
  };
}

export function rawSide(raw: Pool): StoreSide {
  return (request) => {
    if (request.kind === 'read') {
      return timedCpu(async () => {
        let count = 0;
        let after = '0';
        for (;;) {
          const { rows } = await raw.query(
            `SELECT event_id, stream_id, version, position, type, schema_version, data, metadata, occurred_at, recorded_at, hash, previous_hash
             FROM raw_events WHERE position > $1 ORDER BY position LIMIT $2`,
            [after, request.page],
          );
          count += rows.length;
          if (rows.length < request.page) return count;
          after = rows[rows.length - 1].position;
        }
      });
    }
    return inLoops(request.writers, request.appends, async (writer) => {
      const values: unknown[] = [];
      const tuples = newEvents(request.batch).map((event, index) => {
        values.push(randomUUID(), `bench-${writer}`, index + 1, event.type, event.schemaVersion, event.data, event.metadata, event.occurredAt,
          event.occurredAt, randomBytes(32).toString('hex'), randomBytes(32).toString('hex'));
        const base = index * 11;
        return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(',')})`;
      });
      await raw.query(
        `INSERT INTO raw_events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
         VALUES ${tuples.join(',')}`,
        values,
      );
      return request.batch;
    });
  };
}
