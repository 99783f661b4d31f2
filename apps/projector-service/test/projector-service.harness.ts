import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { loadConfig, type OrdersourceConfig } from '@ordersource/platform';
// This file is test support itself (the e2e suites' harness), not application code.
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { startProjectorService, type RunningProjectorService } from '../src/bootstrap';

/**
 * The projector over real HTTP: started in-process on port 0 against a fresh database, fed
 * through its own event store, checked with a raw pg client. One setup for its e2e suites.
 */
export const keys = { admin: 'adm.k1', operator: 'ops.k2' } as const;

export interface ProjectorAnswer {
  status: number;
  type: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface ProjectorServiceHarness {
  service: RunningProjectorService;
  db: TestDatabase;
  /** The log the projector reads, opened with the service's chain key. */
  database: EventStoreDatabase;
  eventStore: PostgresEventStore;
  /** A superuser client on the suite's database, for raw checks. */
  pg: Client;
  /** `key`: the Bearer key sent (default admin); `body` is sent as JSON. */
  call(method: string, path: string, options?: { body?: unknown; key?: string }): Promise<ProjectorAnswer>;
  stop(): Promise<void>;
}

/** `overrides`: configuration a suite needs on top of the defaults, given its database (the distributed profile names its MongoDB database after it). */
export async function startProjectorHarness(
  prefix: string,
  overrides: (db: TestDatabase) => Partial<OrdersourceConfig> = () => ({}),
): Promise<ProjectorServiceHarness> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const db = await createTestDatabase(prefix);
    cleanups.push(() => db.drop());
    const chainKey = randomBytes(32);
    const service = await startProjectorService(
      {
        ...loadConfig({}),
        databaseUrl: db.url,
        ports: { command: 0, query: 0, projector: 0 },
        apiKeys: `${keys.admin}=admin,${keys.operator}=operator`,
        chainKey: chainKey.toString('base64'),
        masterKey: randomBytes(32).toString('base64'),
        logLevel: process.env.E2E_LOG_LEVEL ?? 'silent',
        ...overrides(db),
      },
      { host: '127.0.0.1' },
    );
    cleanups.push(() => service.close());
    const database = await openEventStoreDatabase({ url: db.url, chainKey });
    cleanups.push(() => database.close());
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    cleanups.push(() => pg.end());
    return {
      service,
      db,
      database,
      eventStore: new PostgresEventStore(database),
      pg,
      async call(method, path, { body, key = keys.admin } = {}) {
        const response = await fetch(`${service.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
