import { hkdfSync } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresCorrelatedStreams, PostgresEventStore, PostgresIdempotencyStore, PostgresNamedSequences, PostgresRepairLog, openEventStoreDatabase } from '@ordersource/event-store';
import { OrderEventType, orderUpcasters } from '@ordersource/domain';
import { JsonObject } from '@ordersource/event-store';
import { messagingMigrations } from '@ordersource/messaging';
import { createPersonalDataVault, personalDataMigrations } from '@ordersource/personal-data';
import { OrderImporter, importDigestKey } from '@ordersource/order-import';
import { processMigrations, type PaymentDeadlineProcess } from '@ordersource/processes';
import { Logger, OrdersourceConfig, counter, createHttpApp, createLogger, createServiceMetrics, parseApiKeys, requireSecret, runService, startTracing } from '@ordersource/platform';
import { CommandServiceModule } from './app.module';
import { poolSizePerWorker, processesOfThisService } from './cluster';
import { CoalescedSequences } from './orders/coalesced-sequences';
import { startPaymentDeadlines } from './processes/payment-deadline';

/** The service in this process, from the environment's configuration (main.ts; a cluster worker too). */
export function runCommandService(): Promise<void> {
  return runService('command-service', startCommandService);
}

export interface RunningCommandService {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Wires the command service for a configuration: checks secrets and keys first (a service
 * with a missing or wrong key refuses to start), migrates, then listens. Tests start it the
 * same way, on port 0.
 */
export async function startCommandService(
  config: OrdersourceConfig & { databaseUrl: string },
  options: { logger?: Logger; host?: string; paymentDeadline?: { pollMs?: number; leaseMs?: number } } = {},
): Promise<RunningCommandService> {
  const logger = options.logger ?? createLogger('command-service', config.logLevel);
  const apiKeys = parseApiKeys(config.apiKeys, config.authDisabled);
  const masterKey = requireSecret(config.masterKey, 'ORDERSOURCE_MASTER_KEY');
  const chainKey = requireSecret(config.chainKey, 'ORDERSOURCE_CHAIN_KEY');
  if (apiKeys.authDisabled) logger.warn('AUTH_DISABLED=true: every request acts as admin');

  const database = await openEventStoreDatabase({ url: config.databaseUrl, chainKey, extraMigrations: [...personalDataMigrations, ...messagingMigrations, ...processMigrations], poolSize: poolSizePerWorker(processesOfThisService()), minConnections: config.databasePoolMin, logger });
  let vault;
  try {
    // Placing an order seals under the customer's key: reused from memory, dropped by any forget.
    vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey, sealingKeyCache: {} });
  } catch (error) {
    await database.close();
    throw error;
  }
  const personalData = {
    sealEventData: (customerId: string, eventType: string, data: JsonObject) =>
      vault.sealEventData(customerId, eventType as OrderEventType, data as never) as unknown as Promise<JsonObject>,
    openEventData: (eventType: string, data: JsonObject) => vault.openEventData(eventType, data),
    forgetCustomer: async (customerId: string) => {
      const erasure = await vault.forgetCustomer(customerId);
      return { customerId, erasedAt: erasure.erasedAt };
    },
  };
  const metrics = createServiceMetrics('command-service');
  const tracing = await startTracing('command-service', config.tracing);
  // The command side folds events as the domain knows them now (v1 OrderPlaced read as v2).
  const refusedBatches = counter(metrics, 'ordersource_append_batches_refused_total', 'Group-committed append batches the server refused whole (their appends then went alone), by SQLSTATE', ['code']);
  const eventStore = new PostgresEventStore(database, {
    upcasters: orderUpcasters,
    appendsInFlight: config.appendsInFlight,
    onBatchRefused: (error, members) => {
      refusedBatches.inc({ code: error.code ?? 'none' });
      logger.warn({ code: error.code, members, err: error.message }, 'append batch refused whole; its appends went alone');
    },
    // The appends had committed; listeners also poll the log, so they are late, not lost.
    onNotifyError: (error) => logger.warn({ err: (error as Error).message }, 'waking log listeners after an append failed'),
  });
  const sequences = new PostgresNamedSequences(database);
  let deadlines: PaymentDeadlineProcess | undefined;
  const app = await createHttpApp({
    service: 'command-service',
    module: CommandServiceModule.forRoot({
      logger,
      metrics,
      apiKeys,
      tracer: tracing.tracer,
      eventStore,
      // Concurrent placements share one draw (issue 18); the import draws its batches itself.
      sequences: new CoalescedSequences(sequences),
      idempotency: new PostgresIdempotencyStore(database),
      personalData,
      repairs: new PostgresRepairLog(database.pool),
      correlatedStreams: new PostgresCorrelatedStreams(database.pool),
      settings: {
        maxConcurrencyRetries: 8,
        idempotencyTtlMs: config.idempotencyTtlMs,
        requestHashKey: Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'ordersource/idempotency-request-hash', 32)),
      },
      orderImporter: new OrderImporter({ store: eventStore, sealer: vault, sequences, digestKey: importDigestKey(masterKey) }),
      readiness: [{ name: 'postgres', check: async () => void (await database.pool.query('SELECT 1')) }],
      // The deadline worker stops before the pool it uses closes.
      onShutdown: async () => {
        await deadlines?.stop();
        await vault.close();
        await database.close();
        await tracing.shutdown();
      },
    }),
    logger,
    metrics,
    tracer: tracing.tracer,
    requestTimeoutMs: config.requestTimeoutMs,
    rateLimit: config.rateLimit,
    apiKeys,
    openApi: { title: 'ordersource command service', description: 'Place orders and drive them through their lifecycle (API.md).' },
  });
  if (config.paymentTimeoutSeconds !== undefined) {
    deadlines = await startPaymentDeadlines({
      app,
      database,
      url: config.databaseUrl,
      eventStore,
      timeoutSeconds: config.paymentTimeoutSeconds,
      pollMs: options.paymentDeadline?.pollMs,
      leaseMs: options.paymentDeadline?.leaseMs,
      registry: metrics.registry,
      log: (message, fields) => logger.warn(fields, message),
    });
    logger.info({ timeoutSeconds: config.paymentTimeoutSeconds }, 'payment deadlines on');
  }
  await app.listen({ port: config.ports.command, host: options.host ?? config.host });
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  logger.info({ url, profile: config.profile }, 'command service listening');
  return { app, url, close: () => app.close() };
}
