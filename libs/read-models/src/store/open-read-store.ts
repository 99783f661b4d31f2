import type { Pool } from 'pg';
import { MongoClient } from 'mongodb';
import { readModelViews } from '../projections';
import type { ReadStore, ViewDefinition } from './read-store.port';
import { MongoReadStore } from './mongo/mongo-read-store';
import { PostgresReadStore } from './postgres/postgres-read-store';

export interface OpenReadStoreOptions {
  pool: Pool;
  mongoUrl?: string;
  /** The views it keeps; default the live projections' (a rebuild passes its own). */
  views?: readonly ViewDefinition[];
}

/**
 * The one place a process picks its read store by profile (ARCHITECTURE.md "Boundaries"):
 * embedded keeps views in PostgreSQL JSONB next to the log; distributed keeps them in MongoDB.
 * ensureViews recreates whatever a wiped read store lost.
 */
export async function openReadStore(profile: 'embedded' | 'distributed', options: OpenReadStoreOptions): Promise<ReadStore> {
  const views = options.views ?? readModelViews;
  if (profile === 'embedded') {
    const store = new PostgresReadStore(options.pool, views);
    await store.ensureViews();
    return store;
  }
  if (!options.mongoUrl) throw new Error('the distributed profile needs MONGO_URL');
  const client = new MongoClient(options.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const store = new MongoReadStore(client.db(), views, () => client.close());
  await store.ensureViews();
  return store;
}
