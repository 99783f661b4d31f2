import { randomUUID } from 'node:crypto';
import { validateEventMessage } from '@ordersource/contracts';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { startKafkaForTests, type KafkaForTests } from '@ordersource/testing/kafka-broker';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { messagingMigrations } from '../migrations';
import { killHard, startTsChild, type Child } from '../testing/child-process';
import { DeliveryLog } from '../testing/delivery-log';
import { eventually } from '@ordersource/testing/eventually';
import { appendOrders, newOrderIds } from '../testing/order-events';
import { KafkaSubscriptions } from './kafka-subscriptions';

const CHAIN_KEY = 'messaging-suite-chain-key-0123456789';
const RELAY_SCRIPT = 'libs/messaging/src/testing/relay-process.ts';

describe('the relay as a separate process', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  // In the test process, so it outlives every relay that is killed.
  let broker: KafkaForTests;
  let kafka: Kafka;
  const children: Child[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_messaging_relay');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, extraMigrations: messagingMigrations, poolSize: 12 });
    store = new PostgresEventStore(database);
    broker = await startKafkaForTests();
    kafka = new Kafka({ clientId: 'relay-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => killHard(child)));
    await broker?.stop();
    await database?.close();
    await testDatabase?.drop();
  });

  const startRelay = (topic: string): Child => {
    const child = startTsChild(RELAY_SCRIPT, { RELAY_DATABASE_URL: testDatabase.url, RELAY_CHAIN_KEY: CHAIN_KEY, KAFKA_BROKERS: broker.brokers.join(','), RELAY_TOPIC: topic });
    children.push(child);
    return child;
  };
  const isLeader = (child: Child) => child.lines.includes('leader');
  /** A failed wait names what the relays printed, so a relay that crashed says why. */
  const withOutput = (wait: Promise<unknown>, ...relays: Child[]) =>
    wait.catch((error: Error) => {
      throw new Error(`${error.message}; relay output: ${relays.map((r) => r.lines.slice(-10).join(' | ')).join(' || ')}`);
    });
  const subscribe = (topic: string, log: DeliveryLog) =>
    new KafkaSubscriptions({ kafka, topic, deadLetterTopic: `${topic}.dlq`, registry: new Registry(), sessionTimeout: 6000, heartbeatInterval: 500 }).subscribe(
      `projection-${randomUUID().slice(0, 8)}`,
      log.handle,
      { batchSize: 500 },
    );

  it('delivers 10,000 events of 500 orders in order, identical to an undisturbed run, across three SIGKILLs of the relay', async () => {
    const topic = 'orders-kill';
    const orders = newOrderIds(500);
    const log = new DeliveryLog(new Set(orders));
    const subscription = await subscribe(topic, log);
    const appending = appendOrders(store, orders, 20, 4, 8);
    try {
      for (let kill = 0; kill < 3; kill++) {
        const relay = startRelay(topic);
        await withOutput(eventually('the relay leads', () => isLeader(relay), { timeoutMs: 60_000 }), relay);
        const publishedBefore = log.deliveries.length;
        // A random point: after some progress, mid-batch or between batches.
        await eventually('the relay published something', () => log.deliveries.length > publishedBefore, { timeoutMs: 30_000 });
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 400)));
        await killHard(relay);
      }
      startRelay(topic);
      await appending;
      await eventually('all 10,000 events are applied', () => log.appliedCount() === 10_000, { timeoutMs: 90_000 });

      expect(log.gaps).toEqual([]);
      for (const orderId of orders) {
        const applied = log.deliveries.filter((e) => e.orderId === orderId);
        const stored = await store.readStream(`order-${orderId}`);
        // Folded per order: the hash chain as the handler applied it (skipping repeats) equals the store's.
        const folded = new Map(applied.map((e) => [e.version, e.hash]));
        expect([...folded.keys()].sort((a, b) => a - b)).toEqual(stored.map((e) => e.version));
        expect(stored.every((e) => folded.get(e.version) === e.hash)).toBe(true);
      }
      expect(log.deliveries.every((event) => validateEventMessage(event).valid)).toBe(true);
    } finally {
      await appending.catch(() => undefined);
      await subscription.stop();
    }
  }, 170_000);

  it('runs one relay of two at a time; the waiting one takes over when the leader is killed, losing nothing', async () => {
    const topic = 'orders-failover';
    const orders = newOrderIds(40);
    const log = new DeliveryLog(new Set(orders));
    const subscription = await subscribe(topic, log);
    const [a, b] = [startRelay(topic), startRelay(topic)];
    try {
      await withOutput(eventually('both relays started and one leads', () => a.lines.includes('started') && b.lines.includes('started') && (isLeader(a) || isLeader(b)), { timeoutMs: 60_000 }), a, b);
      const [leader, standby] = isLeader(a) ? [a, b] : [b, a];
      await appendOrders(store, orders.slice(0, 20), 5);
      await eventually('the first 100 events are applied', () => log.appliedCount() === 100);
      expect(isLeader(standby)).toBe(false);

      await killHard(leader);
      await appendOrders(store, orders.slice(20), 5);
      await eventually('the standby leads', () => isLeader(standby), { timeoutMs: 20_000 });
      await eventually('all 200 events are applied', () => log.appliedCount() === 200);
      expect(log.gaps).toEqual([]);
    } finally {
      await subscription.stop();
    }
  }, 90_000);
});
