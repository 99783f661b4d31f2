import { hkdfSync } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { orderUpcasters } from '@ordersource/domain';
import { PostgresEventStore, openEventStoreDatabase } from '@ordersource/event-store';
import { AlertSettings, alertSettings, monitoringMigrations } from '@ordersource/monitoring';
import { startAlertEvaluator } from './alerts/alert-evaluator';
import { createPersonalDataVault, personalDataMigrations } from '@ordersource/personal-data';
import { ProjectionStatusStore, openReadStore, projectionStatusMigrations, readModelMigrations } from '@ordersource/read-models';
import { Closers, Logger, OrdersourceConfig, createHttpApp, createLogger, createServiceMetrics, parseApiKeys, requireSecret } from '@ordersource/platform';
import { QueryServiceModule } from './app.module';
import { useCursorKey } from './query-schemas';

export interface RunningQueryService {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** Wires the query service: views from the profile's read store, personal data opened on the way out. */
export async function startQueryService(
  config: OrdersourceConfig & { databaseUrl: string },
  options: { logger?: Logger; host?: string; /** Default: the ALERT_* environment. */ alerts?: AlertSettings } = {},
): Promise<RunningQueryService> {
  const logger = options.logger ?? createLogger('query-service', config.logLevel);
  const apiKeys = parseApiKeys(config.apiKeys, config.authDisabled);
  const masterKey = requireSecret(config.masterKey, 'ORDERSOURCE_MASTER_KEY');
  const chainKey = requireSecret(config.chainKey, 'ORDERSOURCE_CHAIN_KEY');
  if (apiKeys.authDisabled) logger.warn('AUTH_DISABLED=true: every request acts as admin');
  useCursorKey(Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'ordersource/cursor-hmac', 32)));

  const database = await openEventStoreDatabase({
    url: config.databaseUrl,
    chainKey,
    extraMigrations: [...personalDataMigrations, ...readModelMigrations, ...projectionStatusMigrations, ...monitoringMigrations],
    poolSize: 20,
    logger,
  });
  const closers = new Closers(logger);
  closers.add(() => database.close());
  const closeAll = () => closers.closeAll();
  try {
    const opener = await createPersonalDataVault({ dataSource: database.dataSource, masterKey });
    const readStore = await openReadStore(config.profile, { pool: database.pool, mongoUrl: config.mongoUrl });
    closers.add(() => readStore.close());
    const metrics = createServiceMetrics('query-service');
    const projectionStatus = new ProjectionStatusStore(database.pool);
    const alerts = startAlertEvaluator({
      settings: options.alerts ?? alertSettings(process.env),
      url: config.databaseUrl,
      pool: database.pool,
      readStore,
      projectionStatus,
      // Rules read events as the domain knows them now (OrderPlaced v1 as v2).
      eventStore: new PostgresEventStore(database, { upcasters: orderUpcasters }),
      parkedTable: config.profile === 'embedded',
      registry: metrics.registry,
      logger,
    });
    closers.add(() => alerts.evaluator.stop());
    const app = await createHttpApp({
      service: 'query-service',
      module: QueryServiceModule.forRoot({
        logger,
        metrics,
        apiKeys,
        views: readStore,
        opener,
        projectionStatus,
        alertStore: alerts.store,
        settings: { minVersionPollMs: 25 },
        readiness: [
          { name: 'postgres', check: async () => void (await database.pool.query('SELECT 1')) },
          { name: 'read-store', check: () => readStore.ping() },
        ],
        onShutdown: closeAll,
      }),
      logger,
      metrics,
      requestTimeoutMs: config.requestTimeoutMs,
      openApi: { title: 'ordersource query service', description: 'Order tracking, payments, shipments, history, the event log and time travel (API.md).' },
    });
    await app.listen({ port: config.ports.query, host: options.host ?? config.host });
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    logger.info({ url, profile: config.profile }, 'query service listening');
    return { app, url, close: () => app.close() };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
