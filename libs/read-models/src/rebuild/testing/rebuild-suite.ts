/**
 * The database side of the rebuild suites: a fresh database with every migration the projector
 * runs, the event store, a read store over the rebuild views, and a Rebuilder wired to them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { messagingMigrations, type SubscriptionSource } from '@ordersource/messaging';
import { readModelMigrations } from '../../store/postgres/migrations';
import type { ReadStore } from '../../store/read-store.port';
import type { Projection } from '../../projections/projection';
import { Rebuilder } from '../rebuilder';
import { rebuildMigrations } from '../rebuild-migrations';

export const CHAIN_KEY = 'rebuild-suite-chain-key-0123456789';

export async function openSuiteDatabase(url: string): Promise<{ database: EventStoreDatabase; eventStore: PostgresEventStore }> {
  const database = await openEventStoreDatabase({ url, chainKey: CHAIN_KEY, extraMigrations: [...messagingMigrations, ...readModelMigrations, ...rebuildMigrations], poolSize: 12 });
  return { database, eventStore: new PostgresEventStore(database) };
}

export function suiteRebuilder(
  url: string,
  database: EventStoreDatabase,
  eventStore: PostgresEventStore,
  store: ReadStore,
  source: SubscriptionSource,
  projections?: Readonly<Record<string, Projection>>,
): Rebuilder {
  return new Rebuilder({ pool: database.pool, url, store, eventStore, source, projections, diffCap: 100_000, pollMs: 20 });
}

export async function eventCount(database: EventStoreDatabase): Promise<number> {
  const { rows } = await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
  return Number(rows[0].n);
}

const WORKSPACE = join(__dirname, '../../../../..');

/** `npm run replay -- <args>` as its own process (so a test can SIGKILL it), with its output. */
export function spawnReplay(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/replay/main.ts', ...args], {
    cwd: WORKSPACE,
    env: { ...process.env, ORDERSOURCE_CHAIN_KEY: Buffer.alloc(32, 7).toString('base64'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => text };
}
