import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { orderUpcasters } from '@ordersource/domain';
import { PostgresEventStore, openEventStoreDatabase } from '@ordersource/event-store';
import { AlertSettings, alertSettings, monitoringMigrations } from '@ordersource/monitoring';
import { startAlertEvaluator } from './alerts/alert-evaluator';
import { createPersonalDataVault, personalDataMigrations } from '@ordersource/personal-data';
import { ProjectionStatusStore, ViewProgressListener, openReadStore, projectionStatusMigrations, readModelMigrations } from '@ordersource/read-models';
import { Closers, Logger, OrdersourceConfig, createHttpApp, createLogger, createServiceMetrics, cursorKeyOf, parseApiKeys, requireSecret, startTracing, useCursorKey } from '@ordersource/platform';
import { QueryServiceModule } from './app.module';
import { HeadWatch } from './head-watch';
import { tracedViewReader } from './traced-view-reader';

/** How often parked X-Min-Version reads look anyway, in case a progress notification was lost. */
const MIN_VERSION_FALLBACK_POLL_MS = 1000;

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
  useCursorKey(cursorKeyOf(masterKey));

  const database = await openEventStoreDatabase({
    url: config.databaseUrl,
    chainKey,
    extraMigrations: [...personalDataMigrations, ...readModelMigrations, ...projectionStatusMigrations, ...monitoringMigrations],
    poolSize: 20,
    minConnections: config.databasePoolMin,
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
    const tracing = await startTracing('query-service', config.tracing);
    closers.add(() => tracing.shutdown());
    const projectionStatus = new ProjectionStatusStore(database.pool);
    const alerts = startAlertEvaluator({
      settings: options.alerts ?? alertSettings(process.env),
      url: config.databaseUrl,
      pool: database.pool,
      readStore,
      projectionStatus,
      // Rules read events as the domain knows them now (OrderPlaced v1 as v2).
      eventStore: new PostgresEventStore(database, { upcasters: orderUpcasters }),
      registry: metrics.registry,
      logger,
    });
    closers.add(() => alerts.evaluator.stop());
    const headWatch = new HeadWatch(readStore, MIN_VERSION_FALLBACK_POLL_MS);
    const progress = await ViewProgressListener.start({
      url: config.databaseUrl,
      onProgress: (moved) => headWatch.progress(moved),
      onError: (error) => logger.warn({ err: error }, 'view progress listener lost its connection; reconnecting (X-Min-Version waits fall back to a slow poll meanwhile)'),
    });
    closers.add(() => progress.stop());
    const app = await createHttpApp({
      service: 'query-service',
      module: QueryServiceModule.forRoot({
        logger,
        metrics,
        apiKeys,
        tracer: tracing.tracer,
        views: tracedViewReader(readStore, tracing.tracer),
        opener,
        projectionStatus,
        alertStore: alerts.store,
        headWatch,
        readiness: [
          { name: 'postgres', check: async () => void (await database.pool.query('SELECT 1')) },
          { name: 'read-store', check: () => readStore.ping() },
        ],
        onShutdown: closeAll,
      }),
      logger,
      metrics,
      tracer: tracing.tracer,
      requestTimeoutMs: config.requestTimeoutMs,
      rateLimit: config.rateLimit,
      apiKeys,
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
