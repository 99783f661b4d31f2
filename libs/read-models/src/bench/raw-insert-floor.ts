import type { Db } from 'mongodb';
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

/**
 * The same floor for a MongoDB read store, with the raw `mongodb` driver on the store's own
 * server: `count` documents of the pg floor's shape, keyed by string `_id`, written in 100-document
 * unordered insertMany calls into a fresh collection, in documents per second.
 */
export async function rawMongoInsertFloor(db: Db, count: number, batch = 100): Promise<number> {
  const collection = db.collection<{ _id: string; n: number; status: string }>('bench_floor');
  const started = process.hrtime.bigint();
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    await collection.insertMany(
      Array.from({ length: size }, (_, index) => ({ _id: `row-${start + index}`, n: start + index, status: 'PLACED' })),
      { ordered: false },
    );
  }
  const rate = count / (Number(process.hrtime.bigint() - started) / 1e9);
  await collection.drop();
  return rate;
}
