import { randomUUID } from 'node:crypto';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { startKafkaTestBroker, type KafkaTestBroker } from '@ordersource/testing/kafka-broker';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { messagingMigrations } from '../migrations';
import { subscriptionContract } from '../subscription.contract';
import { KafkaSubscriptions } from './kafka-subscriptions';
import { KafkaRelay } from './relay';

const CHAIN_KEY = 'messaging-suite-chain-key-0123456789';

interface BrokerVariant {
  name: string;
  start(): Promise<{ brokers: string[]; stop(): Promise<void> }>;
}

// Real Kafka joins only when KAFKA_BROKERS is set; otherwise that variant is not registered.
const variants: BrokerVariant[] = [
  { name: 'the Kafka test broker', start: () => startKafkaTestBroker().then((broker: KafkaTestBroker) => ({ brokers: broker.brokers, stop: () => broker.stop() })) },
  ...(process.env.KAFKA_BROKERS ? [{ name: 'Kafka at KAFKA_BROKERS', start: async () => ({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), stop: async () => undefined }) }] : []),
];

describe.each(variants)('Kafka subscriptions behind the relay, on $name', (variant) => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  let broker: { brokers: string[]; stop(): Promise<void> };
  let kafka: Kafka;
  let relay: KafkaRelay;
  // A topic per run, so a real cluster's earlier runs never leak in.
  const topic = `ordersource.orders.v1.test-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_messaging_kafka');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, extraMigrations: messagingMigrations });
    store = new PostgresEventStore(database);
    broker = await variant.start();
    kafka = new Kafka({ clientId: 'messaging-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    relay = new KafkaRelay({ store, url: testDatabase.url, kafka, topic, partitions: 6, registry: new Registry() });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await broker?.stop();
    await database?.close();
    await testDatabase?.drop();
  });

  subscriptionContract(() => ({
    store,
    source: (registry) =>
      new KafkaSubscriptions({ kafka, topic, deadLetterTopic: `${topic}.dlq`, registry, logger: process.env.DEBUG_MSG ? { debug: () => undefined, info: (f: object, m: string) => console.log(m, f), warn: (f: object, m: string) => console.log(m, f), error: (f: object, m: string) => console.log(m, f) } : undefined, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 6000 }),
  }));
});
