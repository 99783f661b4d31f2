/**
 * Child process of peers.bench.ts: hosts the published Emmett PostgreSQL event store. It runs in
 * a process of its own because Emmett's driver (dumbo) sets pg's GLOBAL type parsers on load
 * (int8 -> BigInt, jsonb through its serializer), which would change what ordersource's store
 * and the raw floor parse in a shared process. The parent sends one workload at a time over IPC.
 */
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { dumbo } from '@event-driven-io/dumbo';
import pg from 'pg';
import { inLoops, newEvents, timedCpu, type PeerRequest, type PeerResult } from './peers.workloads';

async function main(): Promise<void> {
  const url = process.env.PEER_DATABASE_URL;
  if (!url) throw new Error('PEER_DATABASE_URL is required');
  const native = new pg.Pool({ connectionString: url, max: 17 });
  const pool = dumbo({ connectionString: url, pool: native });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { dumbo: pool } });
  const versions = new Map<string, bigint>();
  let streamCounter = 0;

  const append = (batch: number, writers: number, appends: number) =>
    inLoops(writers, appends, async (writer) => {
      const streamName = `bench-${writer}-${streamCounter++ % 50}`;
      const events = newEvents(batch).map((event) => ({ type: event.type, data: event.data, metadata: event.metadata }));
      const result = await store.appendToStream(streamName, events, { expectedStreamVersion: versions.get(streamName) ?? STREAM_DOES_NOT_EXIST });
      versions.set(streamName, result.nextExpectedStreamVersion);
      return batch;
    });

  const readAll = (page: number) =>
    timedCpu(async () => {
      let count = 0;
      let after: bigint | undefined;
      for (;;) {
        const result = await readMessagesBatch(pool.execute, after === undefined ? { from: 0n, batchSize: page } : { after, batchSize: page });
        count += result.messages.length;
        after = result.currentGlobalPosition;
        if (!result.areMessagesLeft) return count;
      }
    });

  process.on('message', (request: PeerRequest) => {
    const run = request.kind === 'append' ? append(request.batch, request.writers, request.appends) : readAll(request.page);
    run.then(
      (result) => process.send?.({ ok: true, ...result } satisfies PeerResult & { ok: true }),
      (error: unknown) => process.send?.({ ok: false, error: String((error as Error)?.stack ?? error) }),
    );
  });
  process.on('disconnect', () => {
    void store.close().finally(() => native.end().finally(() => process.exit(0)));
  });
  process.send?.({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
