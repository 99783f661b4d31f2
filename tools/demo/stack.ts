/**
 * The stack the demo drives: the running one at COMMAND_URL/QUERY_URL (keys from DEMO_*_KEY or
 * the data directory's secrets.json), else an embedded stack started for the run from the
 * `npm start` pieces (temp data dir, embedded PostgreSQL unless DATABASE_URL is set, the three
 * services on free ports) and stopped afterwards.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseProcess, startDatabaseProcess } from '../start/embedded-database';
import { apiKeysOf, LocalSecrets, loadOrCreateSecrets } from '../start/secrets';
import { startServiceProcess, stopProcess, waitUntilReady } from '../start/service-process';
import { answers, Keys } from './http';

const ROOT = resolve(__dirname, '..', '..');

export interface Stack {
  commandUrl: string;
  queryUrl: string;
  keys: Keys;
  /** The customer id the customer key stands for, when there is one. */
  customerId?: string;
  /** `running` (found at COMMAND_URL) or `started` (embedded, for this run). */
  mode: 'running' | 'started';
  stop(): Promise<void>;
}

export interface StackOptions {
  env?: NodeJS.ProcessEnv;
  /** Never reuse a running stack (the benchmark measures its own). */
  alwaysStart?: boolean;
}

export async function connectOrStart(options: StackOptions = {}): Promise<Stack> {
  const env = options.env ?? process.env;
  const commandUrl = env.COMMAND_URL ?? 'http://localhost:3000';
  const queryUrl = env.QUERY_URL ?? 'http://localhost:3001';
  if (!options.alwaysStart && (await answers(commandUrl))) {
    const secrets = readSecrets(resolve(env.ORDERSOURCE_DATA_DIR ?? './.data'));
    const keys: Keys = {
      admin: env.DEMO_ADMIN_KEY ?? secrets?.keys.admin,
      operator: env.DEMO_OPERATOR_KEY ?? secrets?.keys.operator,
      customer: env.DEMO_CUSTOMER_KEY ?? (env.DEMO_ADMIN_KEY ? undefined : secrets?.keys.customer),
    };
    if (!keys.operator || !keys.admin) throw new Error(`a stack answers at ${commandUrl} but no keys: set DEMO_ADMIN_KEY and DEMO_OPERATOR_KEY, or ORDERSOURCE_DATA_DIR to its data directory`);
    const customerId = keys.customer ? (env.DEMO_CUSTOMER_ID ?? secrets?.keys.customerId) : undefined;
    return { commandUrl, queryUrl, keys: customerId ? keys : { ...keys, customer: undefined }, customerId, mode: 'running', stop: async () => undefined };
  }
  return startStack(env);
}

function readSecrets(dataDir: string): LocalSecrets | undefined {
  const file = join(dataDir, 'secrets.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets) : undefined;
}

async function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordersource-demo-'));
  // Run as root, embedded PostgreSQL runs as a `postgres` user, which must reach <dataDir>/pg
  // (secrets.json itself stays 0600).
  chmodSync(dataDir, 0o711);
  const secrets = loadOrCreateSecrets(dataDir);
  let database: DatabaseProcess | undefined;
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => stopProcess(child)));
    await database?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    database = env.DATABASE_URL ? undefined : await startDatabaseProcess(ROOT, join(dataDir, 'pg'));
    const [command, query, projector] = [await freePort(), await freePort(), await freePort()];
    const serviceEnv: NodeJS.ProcessEnv = {
      ...env,
      ORDERSOURCE_PROFILE: 'embedded',
      ORDERSOURCE_DATA_DIR: dataDir,
      DATABASE_URL: env.DATABASE_URL ?? database?.url,
      API_KEYS: apiKeysOf(secrets),
      ORDERSOURCE_MASTER_KEY: secrets.masterKey,
      ORDERSOURCE_CHAIN_KEY: secrets.chainKey,
      COMMAND_PORT: String(command),
      QUERY_PORT: String(query),
      PROJECTOR_PORT: String(projector),
      LOG_LEVEL: env.DEMO_LOG_LEVEL ?? 'warn',
    };
    const specs = [
      { name: 'command', entry: 'apps/command-service/src/main.ts', port: command, prefix: '[command]  ' },
      { name: 'projector', entry: 'apps/projector-service/src/main.ts', port: projector, prefix: '[projector]' },
      { name: 'query', entry: 'apps/query-service/src/main.ts', port: query, prefix: '[query]    ' },
    ];
    for (const spec of specs) {
      children.push(startServiceProcess(ROOT, spec, serviceEnv));
    }
    await Promise.all(specs.map((spec, i) => waitUntilReady(`http://127.0.0.1:${spec.port}`, children[i], 90_000)));
    const { admin, operator, customer, customerId } = secrets.keys;
    return { commandUrl: `http://127.0.0.1:${command}`, queryUrl: `http://127.0.0.1:${query}`, keys: { admin, operator, customer }, customerId, mode: 'started', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
