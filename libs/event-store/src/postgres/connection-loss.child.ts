/**
 * Child process for connection-loss.int-spec.ts: checks a client out of the event store's
 * pool, reports its backend pid, and once that connection has ended (the parent terminates
 * it), answers a query through the pool and reports that it is still alive.
 */
import { openEventStoreDatabase } from './database';

async function main(): Promise<void> {
  const url = process.env.LOSS_DATABASE_URL;
  if (!url) throw new Error('LOSS_DATABASE_URL is required');
  const database = await openEventStoreDatabase({ url, chainKey: 'connection-loss-chain-key-0123', poolSize: 2 });
  const client = await database.pool.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  client.once('end', () => {
    client.release(true);
    void database.pool.query('SELECT 1').then(async () => {
      process.stdout.write('alive\n');
      await database.close();
    });
  });
  process.stdout.write(`pid ${rows[0].pid}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
