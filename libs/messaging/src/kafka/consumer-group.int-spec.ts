import type { EventMessage } from '@ordersource/contracts';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { startKafkaForTests, type KafkaForTests } from '@ordersource/testing/kafka-broker';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { messagingMigrations } from '../migrations';
import { killHard, startTsChild, type Child } from '../testing/child-process';
import { eventually } from '@ordersource/testing/eventually';
import { appendOrders, newOrderIds } from '../testing/order-events';
import { KafkaSubscriptions } from './kafka-subscriptions';
import { KafkaRelay } from './relay';

const CHAIN_KEY = 'messaging-suite-chain-key-0123456789';
const SESSION_TIMEOUT_MS = 6000;
const TOPIC = 'orders-group';
const GROUP = 'projection-group';

describe('two Kafka subscription members in one group', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let broker: KafkaForTests;
  let relay: KafkaRelay;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_messaging_group');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, extraMigrations: messagingMigrations });
    broker = await startKafkaForTests();
  });

  let spawned: Child | undefined;

  afterAll(async () => {
    // A child left running (a failed wait) would keep jest from exiting.
    if (spawned && spawned.process.exitCode === null && spawned.process.signalCode === null) await killHard(spawned);
    await relay?.stop();
    await broker?.stop();
    await database?.close();
    await testDatabase?.drop();
  });

  it('split the partitions; when one is killed the other takes over within the session timeout, losing nothing', async () => {
    const store = new PostgresEventStore(database);
    const kafka = new Kafka({ clientId: 'group-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    relay = new KafkaRelay({ store, url: testDatabase.url, kafka, topic: TOPIC, registry: new Registry() });
    relay.start();
    const child = startTsChild('libs/messaging/src/testing/subscriber-process.ts', { KAFKA_BROKERS: broker.brokers.join(','), SUBSCRIBER_TOPIC: TOPIC, SUBSCRIBER_GROUP: GROUP });
    spawned = child;
    await eventually('the child member started', () => child.lines.includes('started'), { timeoutMs: 60_000 });
    const survivor: EventMessage[] = [];
    const subscription = await new KafkaSubscriptions({ kafka, topic: TOPIC, deadLetterTopic: `${TOPIC}.dlq`, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, rebalanceTimeout: 6000 }).subscribe(
      GROUP,
      async (batch) => void survivor.push(...batch),
    );
    try {
      const groupIs = async (members: number) => {
        const group = await broker.describeGroup(GROUP);
        return group.memberIds.length === members && group.state === 'Stable';
      };
      await eventually('both members are in the group', () => groupIs(2), { timeoutMs: 20_000 });
      const before = newOrderIds(60);
      await appendOrders(store, before, 3);
      const seen = () => new Set([...survivor.map((e) => `${e.orderId} ${e.version}`), ...child.lines.filter((l) => l.startsWith('e ')).map((l) => l.slice(2))]);
      await eventually('the first 180 events are consumed', () => seen().size === 180);
      expect(survivor.length).toBeGreaterThan(0);
      expect(child.lines.some((l) => l.startsWith('e '))).toBe(true);

      await killHard(child);
      const killedAt = Date.now();
      const after = newOrderIds(60);
      await appendOrders(store, after, 3);
      await eventually('the survivor owns every partition', () => groupIs(1), {
        timeoutMs: SESSION_TIMEOUT_MS + 6000,
      });
      await eventually('the survivor consumed every later event', () => after.every((o) => survivor.filter((e) => e.orderId === o).length >= 3), { timeoutMs: 20_000 });
      expect(Date.now() - killedAt).toBeLessThan(SESSION_TIMEOUT_MS + 6000);
      expect(seen().size).toBe(360);
    } finally {
      await subscription.stop();
    }
  }, 90_000);
});
