/**
 * Opens the event store's database: migrations run once, as the URL's user (the owner), under
 * an advisory lock so concurrent starts are safe; then the services' pool connects with
 * `-c role=ordersource_app` in the startup packet. A startup option, unlike a `SET ROLE` in a
 * pool 'connect' handler, applies to every connection before its first query (including the
 * one TypeORM opens while initialising) and is what RESET ROLE / DISCARD ALL return to.
 */
import { Client, types, type ClientConfig, type Pool } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { APP_ROLE, eventStoreMigrations } from './migrations';

export interface OpenEventStoreDatabaseOptions {
  /** Owner's connection URL (runs migrations); the pool then acts as ordersource_app. */
  url: string;
  /**
   * The services' login, when it differs from the owner's: a role that is a member of
   * ordersource_app only. Recommended in production, since a session can always `SET ROLE NONE`
   * back to its login user; the startup role guards against bugs, not a hostile session.
   */
  appUrl?: string;
  /** Secret for the stream heads' HMAC; never stored in the database. */
  chainKey: string | Buffer;
  /** Other libraries' migrations, run after the event store's. */
  extraMigrations?: (new () => MigrationInterface)[];
  /** Pool size; default 10. */
  poolSize?: number;
  /**
   * Connections opened before this resolves and never closed for idleness (default 0: opened on
   * demand); capped at the pool size. A burst that grows the pool pays each new backend's start
   * and its first statements' parse and plan while requests wait (issue 18: p99 stalls of
   * 100-300 ms at each step up of the command benchmark). Connections above it close after
   * IDLE_CONNECTION_MS unused.
   */
  minConnections?: number;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  logger?: { warn(message: string): void };
}

export interface EventStoreDatabase {
  dataSource: DataSource;
  /** The pg pool under the DataSource; appends and reads use it directly (raw SQL). */
  pool: Pool;
  chainKey: string | Buffer;
  close(): Promise<void>;
}

const MIGRATION_LOCK = 'ordersource:migrations';
/** pg-pool's default is 10 s, which closes a pool grown by one burst before the next one. */
const IDLE_CONNECTION_MS = 60_000;
const TIMESTAMPTZ_OID = 1184;

function timestampAsText(oid: number, format?: 'text' | 'binary'): unknown {
  return oid === TIMESTAMPTZ_OID ? (value: string) => value : types.getTypeParser(oid, format as 'text');
}

export async function openEventStoreDatabase(options: OpenEventStoreDatabaseOptions): Promise<EventStoreDatabase> {
  if (!options.chainKey || options.chainKey.length < 16) throw new Error('chainKey must be at least 16 characters');
  await runMigrations(options.url, [...eventStoreMigrations, ...(options.extraMigrations ?? [])]);
  const startupOptions = [
    `-c role=${APP_ROLE}`,
    `-c statement_timeout=${options.statementTimeoutMs ?? 30_000}`,
    `-c lock_timeout=${options.lockTimeoutMs ?? 10_000}`,
    // A leaked open transaction would also hold back every readAll on the server (read.ts).
    '-c idle_in_transaction_session_timeout=60000',
    // Timestamps come back as UTC ISO text that maps 1:1 onto the hashed strings.
    '-c TimeZone=UTC',
    '-c DateStyle=ISO',
  ].join(' ');
  const minConnections = Math.min(options.minConnections ?? 0, options.poolSize ?? 10);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.appUrl ?? options.url,
    poolSize: options.poolSize ?? 10,
    applicationName: 'ordersource-event-store',
    // timestamptz stays text (read.ts isoMillis): exact, and cheaper than a Date per value.
    extra: { min: minConnections, idleTimeoutMillis: IDLE_CONNECTION_MS, options: startupOptions, types: { getTypeParser: timestampAsText }, Client: clientThatSurvivesErrors(options.logger) },
    poolErrorHandler: (error: unknown) => options.logger?.warn(`event store pool error: ${String(error)}`),
    logging: false,
  });
  await dataSource.initialize();
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  await openConnections(pool, minConnections);
  return { dataSource, pool, chainKey: options.chainKey, close: () => dataSource.destroy() };
}

/** Checks out `count` clients at once (so the pool opens that many) and gives them back. */
async function openConnections(pool: Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

/**
 * pg-pool listens for 'error' only on idle clients; a checked-out client whose server goes away
 * (a crash, a restart, pg_terminate_backend) emits 'error' with no listener, which ends the
 * process (issue 17: a PostgreSQL crash under load killed the command service). Every client
 * of the pool carries its own listener: the failed query still rejects, and the pool drops the
 * broken client when it is released.
 */
function clientThatSurvivesErrors(logger?: { warn(message: string): void }): typeof Client {
  return class extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      this.on('error', (error) => logger?.warn(`event store connection lost: ${error.message}`));
    }
  };
}

/** Exported for tools that only migrate (e.g. a deploy step). */
export async function runMigrations(url: string, migrations: (new () => MigrationInterface)[]): Promise<void> {
  // Advisory locks are per database, which is the scope migrations need.
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    const dataSource = new DataSource({ type: 'postgres', url, poolSize: 1, migrations, migrationsTransactionMode: 'each', logging: false });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
