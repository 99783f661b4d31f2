import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '@ordersource/testing/eventually';

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
    drop: () =>
      withAdmin(serverUrl, async (client) => {
        await closedConnections(client, name);
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/** How long drop() lets the database's connections close on their own before it forces them. */
const CLOSING_GRACE_MS = 2_000;

/**
 * Waits (at most CLOSING_GRACE_MS) until no session is connected to `name`. pg-pool's end()
 * resolves once it has asked its connections to close, not once the server has closed them
 * (brianc/node-postgres#2328 and #3287, both open). A backend still reading its Terminate when
 * DROP ... WITH (FORCE) signals it answers FATAL 57P01 to a client whose ended pool then emits
 * 'error' with no listener: an uncaught exception that failed a suite (CI, stop 23; 3 in 20
 * pools ended just before a drop). A session left open for good is still forced, after the grace.
 */
async function closedConnections(client: Client, name: string): Promise<void> {
  const none = async () => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])).rows[0].n === 0;
  // Past the grace, whatever is still connected is forced by the DROP; a probe that failed on this
  // client fails that DROP too.
  await eventually(`no session on ${name}`, none, { timeoutMs: CLOSING_GRACE_MS, everyMs: 10 }).catch(() => undefined);
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
