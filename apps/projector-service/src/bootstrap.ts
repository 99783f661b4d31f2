import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresEventStore, openEventStoreDatabase } from '@ordersource/event-store';
import { messagingMigrations, openSubscriptionSource } from '@ordersource/messaging';
import { personalDataMigrations } from '@ordersource/personal-data';
import { ProjectionStatusStore, ViewProgressPublisher, openReadStore, projectionStatusMigrations, projections, readModelMigrations } from '@ordersource/read-models';
import { Closers, Logger, OrdersourceConfig, counter, createHttpApp, createLogger, createServiceMetrics, cursorKeyOf, parseApiKeys, requireSecret, startTracing, useCursorKey } from '@ordersource/platform';
import { ProjectorServiceModule } from './app.module';
import { ProjectionWorker } from './projections/projection-worker';
import { StatusPublisher } from './projections/status-publisher';
import { PausableSubscriptions, Rebuilder, openRebuildStore, rebuildMigrations } from '@ordersource/read-models';
import { rebuildStatusOf, resumeUnfinishedRebuilds } from './rebuild/rebuild-status';
import { parkedEventsOf } from './parked/parked-events';

export interface RunningProjectorService {
  app: NestFastifyApplication;
  url: string;
  workers: ProjectionWorker[];
  close(): Promise<void>;
}

/**
 * Wires the projector: embedded profile reads the PostgreSQL log directly; distributed runs the
 * relay (one active instance cluster-wide, by advisory lock) and consumes the Kafka topic, one
 * consumer group per projection. Either way each projection writes its view in the profile's
 * read store and fills delivery gaps from the event store.
 */
export async function startProjectorService(config: OrdersourceConfig & { databaseUrl: string }, options: { logger?: Logger; host?: string } = {}): Promise<RunningProjectorService> {
  const logger = options.logger ?? createLogger('projector-service', config.logLevel);
  const apiKeys = parseApiKeys(config.apiKeys, config.authDisabled);
  const chainKey = requireSecret(config.chainKey, 'ORDERSOURCE_CHAIN_KEY');
  // The parked list's cursors are signed like the query service's (API.md "v1 clarifications").
  useCursorKey(cursorKeyOf(requireSecret(config.masterKey, 'ORDERSOURCE_MASTER_KEY')));
  const database = await openEventStoreDatabase({
    url: config.databaseUrl,
    chainKey,
    extraMigrations: [...personalDataMigrations, ...messagingMigrations, ...readModelMigrations, ...projectionStatusMigrations, ...rebuildMigrations],
    poolSize: 10,
    minConnections: config.databasePoolMin,
    logger,
  });
  const closers = new Closers(logger);
  closers.add(() => database.close());
  const closeAll = () => closers.closeAll();
  try {
    const metrics = createServiceMetrics('projector-service');
    const tracing = await startTracing('projector-service', config.tracing);
    // Added first, so closed last: the spans of everything that stops before it are still sent.
    closers.add(() => tracing.shutdown());
    const { tracer } = tracing;
    const eventStore = new PostgresEventStore(database);
    const readStore = await openReadStore(config.profile, { pool: database.pool, mongoUrl: config.mongoUrl });
    closers.add(() => readStore.close());
    const opened = openSubscriptionSource(config.profile, {
      store: eventStore,
      database,
      url: config.databaseUrl,
      kafkaBrokers: config.kafkaBrokers,
      clientId: 'ordersource-projector',
      registry: metrics.registry,
      logger,
      tracer,
    });
    closers.add(() => opened.close());
    const source = opened.source;
    const applied = counter(metrics, 'ordersource_projection_events_total', 'Events applied to a view, by projection', ['projection']);
    // Live batches run under the view's pause lock, so a rebuild can hold them for its swap.
    const liveSource = new PausableSubscriptions(source, database.pool);
    const progress = new ViewProgressPublisher(database.pool, (error) => logger.warn({ err: error }, 'notifying view progress failed (X-Min-Version waits fall back to their slow poll)'));
    const onProgress = progress.published.bind(progress);
    closers.add(() => progress.drained());
    const workers = Object.values(projections).map((projection) => new ProjectionWorker({ projection, source: liveSource, readStore, eventStore, applied, logger, tracer, onProgress }));
    for (const worker of workers) await worker.start();
    closers.add(async () => {
      for (const worker of workers) await worker.stop();
    });
    const rebuildStore = await openRebuildStore(config.profile, { pool: database.pool, mongoUrl: config.mongoUrl });
    closers.add(() => rebuildStore.close());
    const rebuilder = new Rebuilder({ pool: database.pool, url: config.databaseUrl, store: rebuildStore, eventStore, source, log: (message, fields) => logger.info(fields, message) });
    closers.add(() => rebuilder.close());
    await resumeUnfinishedRebuilds(rebuilder, (fields, message) => logger.warn(fields, message));
    const status = new StatusPublisher(workers, readStore, new ProjectionStatusStore(database.pool), logger, rebuildStatusOf(rebuilder));
    status.start();
    closers.add(async () => status.stop());

    const app = await createHttpApp({
      service: 'projector-service',
      module: ProjectorServiceModule.forRoot({
        logger,
        metrics,
        apiKeys,
        tracer,
        rebuilder,
        parked: parkedEventsOf(workers),
        readiness: [
          { name: 'postgres', check: async () => void (await database.pool.query('SELECT 1')) },
          { name: 'read-store', check: () => readStore.ping() },
        ],
        onShutdown: closeAll,
      }),
      logger,
      metrics,
      tracer,
      requestTimeoutMs: config.requestTimeoutMs,
      rateLimit: config.rateLimit,
      apiKeys,
      openApi: { title: 'ordersource projector service', description: 'Builds the read models from the log; rebuilds them (API.md).' },
    });
    await app.listen({ port: config.ports.projector, host: options.host ?? config.host });
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    logger.info({ url, profile: config.profile }, 'projector service listening');
    return { app, url, workers, close: () => app.close() };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
