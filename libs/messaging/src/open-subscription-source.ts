import type { EventStore, EventStoreDatabase } from '@ordersource/event-store';
import type { Tracer } from '@ordersource/platform';
import type { Registry } from 'prom-client';
import { createKafkaClient } from './kafka/kafka-client';
import { KafkaSubscriptions } from './kafka/kafka-subscriptions';
import { KafkaRelay } from './kafka/relay';
import { silentLogger, type MessagingLogger } from './logger';
import { PostgresLogSubscriptions } from './postgres-log/postgres-log-subscriptions';
import type { SubscriptionSource } from './subscription.port';

export interface OpenSubscriptionSourceOptions {
  store: EventStore;
  database: Pick<EventStoreDatabase, 'pool'>;
  /** Owner's URL of the event store database (locks and checkpoints). */
  url: string;
  kafkaBrokers: string[];
  /** Kafka client id of this process. */
  clientId: string;
  registry?: Registry;
  logger?: MessagingLogger;
  /** Spans of the relay's publish and of each delivery (issue 15); default: off. */
  tracer?: Tracer;
}

export interface OpenedSubscriptionSource {
  source: SubscriptionSource;
  /** Stops what the source needed running (the relay); the subscriptions stop on their own. */
  close(): Promise<void>;
}

/**
 * The one place the subscription source is picked by profile (ARCHITECTURE.md "Boundaries"):
 * embedded reads the PostgreSQL log directly; distributed starts the relay (standby while
 * another instance's relay leads) and consumes the Kafka topic.
 */
export function openSubscriptionSource(profile: 'embedded' | 'distributed', options: OpenSubscriptionSourceOptions): OpenedSubscriptionSource {
  const { store, database, url, registry, tracer } = options;
  const logger = options.logger ?? silentLogger;
  if (profile === 'embedded') {
    return { source: new PostgresLogSubscriptions({ store, database, url, registry, logger, tracer }), close: async () => undefined };
  }
  const kafka = createKafkaClient({ brokers: options.kafkaBrokers, clientId: options.clientId, logger });
  const relay = new KafkaRelay({ store, url, kafka, registry, logger, tracer });
  relay.start();
  return { source: new KafkaSubscriptions({ kafka, registry, logger, tracer }), close: () => relay.stop() };
}
