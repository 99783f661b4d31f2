import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The server the database suites run against: `DATABASE_URL`, which `npm test` points at an
 * embedded PostgreSQL 18 when unset, and CI points at the machine's PostgreSQL 15 in a second run.
 */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: run the suites with `npm test`, which starts embedded PostgreSQL');
  }
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, so suites never see each other's rows. */
export function createTestDatabase(prefix = 'os_test'): Promise<TestDatabase> {
  return createDatabaseOn(testServerUrl(), prefix);
}

/** A fresh database on the given server (benchmarks name theirs), dropped by `drop()`. */
export async function createDatabaseOn(serverUrl: string, prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(serverUrl, name);
  return {
    url,
    name,
    drop: () => withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
