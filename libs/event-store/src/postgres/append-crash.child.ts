/**
 * Child process for append-crash.int-spec.ts: appends big batches from 4 concurrent loops until
 * the parent SIGKILLs it, reporting each committed append on stdout.
 */
import { randomUUID } from 'node:crypto';
import { openEventStoreDatabase } from './database';
import { PostgresEventStore } from './postgres-event-store';

const BATCH = 300;

async function main(): Promise<void> {
  const url = process.env.CRASH_DATABASE_URL;
  const chainKey = process.env.CRASH_CHAIN_KEY;
  if (!url || !chainKey) throw new Error('CRASH_DATABASE_URL and CRASH_CHAIN_KEY are required');
  const database = await openEventStoreDatabase({ url, chainKey, poolSize: 4 });
  const store = new PostgresEventStore(database);
  await Promise.all(
    [0, 1, 2, 3].map(async (loop) => {
      for (;;) {
        const batchId = randomUUID();
        const events = Array.from({ length: BATCH }, (_, index) => ({
          type: 'ItemAdded',
          schemaVersion: 1,
          data: { index, filler: 'x'.repeat(200) },
          metadata: { correlationId: batchId, causationId: batchId, actor: 'crash-test', batchId, batchSize: BATCH },
          occurredAt: new Date().toISOString(),
        }));
        await store.appendToStream(`crash-${loop}`, 'any', events);
        process.stdout.write(`appended ${batchId}\n`);
      }
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
