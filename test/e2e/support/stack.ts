import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { OrdersourceConfig, loadConfig } from '@ordersource/platform';
import { TestDatabase, createTestDatabase } from '@ordersource/testing/postgres';
import { startKafkaTestBroker } from '@ordersource/testing/kafka-broker';
import { startMongoTestServer } from '@ordersource/testing/mongo-server';
// The system suites start the three services through their own bootstraps, in-process; apps
// publish no import alias (nothing else may depend on an app), so these paths are relative.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RunningCommandService, startCommandService } from '../../../apps/command-service/src/bootstrap';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RunningProjectorService, startProjectorService } from '../../../apps/projector-service/src/bootstrap';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RunningQueryService, startQueryService } from '../../../apps/query-service/src/bootstrap';
import { HttpClient, httpClient } from './http';
import { API_KEYS } from './keys';

/**
 * The whole system for one profile, in-process on port 0, against one fresh database (and, for
 * `distributed`, the Kafka and MongoDB test doubles unless KAFKA_BROKERS / MONGO_URL are set).
 */
export type ProfileName = 'embedded' | 'distributed';
export const profiles: ProfileName[] = ['embedded', 'distributed'];


export type StackConfig = OrdersourceConfig & { databaseUrl: string };

export interface Stack {
  profile: ProfileName;
  config: StackConfig;
  db: TestDatabase;
  /** A superuser client on the stack's database, for raw checks. */
  pg: Client;
  command: HttpClient;
  query: HttpClient;
  projector: HttpClient;
  /** The MongoDB database the views live in (distributed only). */
  mongoDatabase?: string;
  /**
   * Stops the projector and the query service, wipes every view and every log reader's
   * checkpoint, and starts both again on the same log: the views are rebuilt from events alone.
   */
  rebuildViewsFromLog(): Promise<void>;
  stop(): Promise<void>;
}

export { startCommandService, startQueryService, type RunningCommandService };

const secret = () => randomBytes(32).toString('base64');
const HOST = { host: '127.0.0.1' };

/** Servers the stack uses instead of starting its own doubles (default: KAFKA_BROKERS, MONGO_URL). */
export interface ExternalServers {
  kafkaBrokers?: string[];
  /** `mongodb://host:port`: the stack picks its own database on it. */
  mongoServerUrl?: string;
}

/**
 * `overrides`: configuration a suite needs on top of the stack's own (tracing, say); `external`:
 * servers to use instead of the stack's own doubles.
 */
export async function startStack(profile: ProfileName, overrides: Partial<StackConfig> = {}, external: ExternalServers = {}): Promise<Stack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const db = await createTestDatabase('os_e2e');
    cleanups.push(() => db.drop());
    let kafkaBrokers: string[] = [];
    let mongoUrl = '';
    let mongoServerUrl: string | undefined;
    if (profile === 'distributed') {
      if (external.kafkaBrokers) kafkaBrokers = external.kafkaBrokers;
      else if (process.env.KAFKA_BROKERS) kafkaBrokers = process.env.KAFKA_BROKERS.split(',');
      else {
        const broker = await startKafkaTestBroker();
        cleanups.push(() => broker.stop());
        kafkaBrokers = [...broker.brokers];
      }
      if (external.mongoServerUrl) mongoServerUrl = external.mongoServerUrl;
      else if (process.env.MONGO_URL) mongoServerUrl = serverPart(process.env.MONGO_URL);
      else {
        const server = await startMongoTestServer();
        cleanups.push(() => server.stop());
        mongoServerUrl = server.url;
      }
      mongoUrl = `${mongoServerUrl}/${db.name}`;
    }
    const config: StackConfig = {
      ...loadConfig({}),
      profile,
      databaseUrl: db.url,
      kafkaBrokers,
      mongoUrl: mongoUrl || loadConfig({}).mongoUrl,
      ports: { command: 0, query: 0, projector: 0 },
      apiKeys: API_KEYS,
      masterKey: secret(),
      chainKey: secret(),
      logLevel: process.env.E2E_LOG_LEVEL ?? 'silent',
      ...overrides,
    };
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    cleanups.push(() => pg.end());
    if (profile === 'distributed') cleanups.push(() => dropMongoDatabase(config.mongoUrl));

    const commandService: RunningCommandService = await startCommandService(config, HOST);
    cleanups.push(() => commandService.close());
    let projectorService: RunningProjectorService = await startProjectorService(config, HOST);
    let queryService: RunningQueryService = await startQueryService(config, HOST);
    const projector = httpClient(projectorService.url);
    const query = httpClient(queryService.url);
    cleanups.push(() => projectorService.close(), () => queryService.close());

    const stack: Stack = {
      profile,
      config,
      db,
      pg,
      command: httpClient(commandService.url),
      query,
      projector,
      mongoDatabase: profile === 'distributed' ? db.name : undefined,
      async rebuildViewsFromLog() {
        await queryService.close();
        await projectorService.close();
        await wipeViews(stack);
        projectorService = await startProjectorService(config, HOST);
        queryService = await startQueryService(config, HOST);
        projector.baseUrl = projectorService.url;
        query.baseUrl = queryService.url;
      },
      stop: stopAll,
    };
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** `mongodb://host:port/db?x` -> `mongodb://host:port` (the suite picks its own database). */
function serverPart(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

async function dropMongoDatabase(url: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** Every view's rows (PostgreSQL) or database (MongoDB), and every log reader's checkpoint. */
async function wipeViews(stack: Stack): Promise<void> {
  if (stack.profile === 'distributed') await dropMongoDatabase(stack.config.mongoUrl);
  else {
    const { rows } = await stack.pg.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'read_models' AND tablename <> 'view_pointers'`,
    );
    if (rows.length > 0) await stack.pg.query(`TRUNCATE ${rows.map((row) => row.name).join(', ')}`);
  }
  // The relay (distributed) republishes the whole log; the log subscriptions (embedded) re-read it.
  await stack.pg.query('DELETE FROM messaging_checkpoints');
  await stack.pg.query('DELETE FROM parked_events');
  await stack.pg.query('DELETE FROM projection_status');
}
