/**
 * Where `npm run replay` connects: the environment first (DATABASE_URL, ORDERSOURCE_PROFILE,
 * KAFKA_BROKERS, MONGO_URL, ORDERSOURCE_CHAIN_KEY), else what `npm start` keeps in its data
 * directory: the keys in secrets.json and the embedded server's port in pg/postmaster.pid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, requireSecret, type OrdersourceConfig } from '@ordersource/platform';

export interface ReplayConfig {
  profile: OrdersourceConfig['profile'];
  databaseUrl: string;
  chainKey: Buffer;
  kafkaBrokers: string[];
  mongoUrl: string;
}

export function replayConfig(env: NodeJS.ProcessEnv = process.env): ReplayConfig {
  const config = loadConfig(env);
  const dataDir = resolve(config.dataDir);
  const secretsFile = join(dataDir, 'secrets.json');
  const secrets = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as { chainKey?: string }) : undefined;
  const databaseUrl = config.databaseUrl ?? (secrets ? embeddedServerUrl(dataDir) : undefined);
  if (!databaseUrl) throw new Error('DATABASE_URL is not set and no `npm start` data directory was found (ORDERSOURCE_DATA_DIR)');
  return {
    profile: config.profile,
    databaseUrl,
    chainKey: requireSecret(config.chainKey ?? secrets?.chainKey, 'ORDERSOURCE_CHAIN_KEY'),
    kafkaBrokers: config.kafkaBrokers,
    mongoUrl: config.mongoUrl,
  };
}

/** postmaster.pid's fourth line is the port; the embedded server runs as postgres/postgres. */
function embeddedServerUrl(dataDir: string): string | undefined {
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`cannot read the port of the embedded server from ${pidFile}`);
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
