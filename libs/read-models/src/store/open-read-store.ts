import type { Pool } from 'pg';
import { MongoClient } from 'mongodb';
import { readModelViews } from '../projections';
import type { ReadStore } from './read-store.port';
import { MongoReadStore } from './mongo/mongo-read-store';
import { PostgresReadStore } from './postgres/postgres-read-store';

/**
 * The one place a service picks its read store by profile (ARCHITECTURE.md "Boundaries"):
 * embedded keeps views in PostgreSQL JSONB next to the log; distributed keeps them in MongoDB.
 */
export async function openReadStore(profile: 'embedded' | 'distributed', options: { pool: Pool; mongoUrl: string }): Promise<ReadStore> {
  if (profile === 'embedded') {
    const store = new PostgresReadStore(options.pool, readModelViews);
    await store.ensureViews();
    return store;
  }
  const client = new MongoClient(options.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const store = new MongoReadStore(client.db(), readModelViews, () => client.close());
  await store.ensureViews();
  return store;
}
