import { Client } from 'pg';

/**
 * The raw-`pg` floor the projection and rebuild benchmarks are measured against: `count` jsonb
 * rows inserted in 100-row multi-row INSERTs into a bare keyed table, in rows per second.
 */
export async function rawInsertFloor(url: string, count: number, batch = 100): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE bench_floor (id text PRIMARY KEY, doc jsonb NOT NULL)');
    const started = process.hrtime.bigint();
    for (let start = 0; start < count; start += batch) {
      const size = Math.min(batch, count - start);
      const values = Array.from({ length: size }, (_, index) => `($${index * 2 + 1}, $${index * 2 + 2}::jsonb)`);
      const parameters = Array.from({ length: size }, (_, index) => [`row-${start + index}`, JSON.stringify({ n: start + index, status: 'PLACED' })]).flat();
      await client.query(`INSERT INTO bench_floor (id, doc) VALUES ${values.join(', ')}`, parameters);
    }
    return count / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await client.end();
  }
}
