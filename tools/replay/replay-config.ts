/**
 * Where `npm run replay` connects: the environment first (DATABASE_URL, ORDERSOURCE_PROFILE,
 * KAFKA_BROKERS, MONGO_URL, ORDERSOURCE_CHAIN_KEY), else what `npm start` keeps in its data
 * directory (tools/start/local-environment.ts).
 */
import { loadConfig, requireSecret, type OrdersourceConfig } from '@ordersource/platform';
import { localEnvironment } from '../start/local-environment';

export interface ReplayConfig {
  profile: OrdersourceConfig['profile'];
  databaseUrl: string;
  chainKey: Buffer;
  kafkaBrokers: string[];
  mongoUrl: string;
}

export function replayConfig(env: NodeJS.ProcessEnv = process.env): ReplayConfig {
  const config = loadConfig(localEnvironment(env));
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set and no running `npm start` was found in ORDERSOURCE_DATA_DIR');
  return {
    profile: config.profile,
    databaseUrl: config.databaseUrl,
    chainKey: requireSecret(config.chainKey, 'ORDERSOURCE_CHAIN_KEY'),
    kafkaBrokers: config.kafkaBrokers,
    mongoUrl: config.mongoUrl,
  };
}
