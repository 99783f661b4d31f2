import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runningEmbeddedPostgresUrl } from '@ordersource/platform';
import type { LocalSecrets } from './secrets';

/**
 * The environment for a CLI (forget, replay) run beside `npm start`: what the environment
 * sets wins; what it leaves unset comes from the data directory `npm start` keeps (its
 * generated keys, and the URL of the embedded PostgreSQL running there).
 */
export function localEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dataDir = resolve(env.ORDERSOURCE_DATA_DIR ?? './.data');
  const secretsFile = join(dataDir, 'secrets.json');
  const secrets = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as LocalSecrets) : undefined;
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL || runningEmbeddedPostgresUrl(join(dataDir, 'pg')),
    ORDERSOURCE_MASTER_KEY: env.ORDERSOURCE_MASTER_KEY || secrets?.masterKey,
    ORDERSOURCE_CHAIN_KEY: env.ORDERSOURCE_CHAIN_KEY || secrets?.chainKey,
  };
}
