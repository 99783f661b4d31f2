/**
 * A member must stay in its group while a batch takes longer than the session timeout: a slow
 * handler, and the dead-letter reader joining its own group (slow where
 * group.initial.rebalance.delay.ms is longer than the session). Before the keep-alive heartbeat
 * the member was expired mid-batch, and with the dead-letter reader re-run after every rejoin it
 * could stay out for good: the "live consumer stops receiving with a 6 s session" failure.
 */
import type { EventMessage } from '@ordersource/contracts';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { startKafkaForTests, type KafkaForTests } from '@ordersource/testing/kafka-broker';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { messagingMigrations } from '../migrations';
import { eventually } from '@ordersource/testing/eventually';
import { appendOrders, newOrderIds } from '../testing/order-events';
import { KafkaSubscriptions } from './kafka-subscriptions';
import { KafkaRelay } from './relay';

const CHAIN_KEY = 'messaging-suite-chain-key-0123456789';
const SESSION_TIMEOUT_MS = 6000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a Kafka subscription keeps its group membership through long batches', () => {
  let broker: KafkaForTests;
  let kafka: Kafka;
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  let relay: KafkaRelay;
  const topic = `heartbeats-${Date.now()}`;

  beforeAll(async () => {
    // On the test broker, the dead-letter reader's own group waits 8 s before its first rebalance.
    broker = await startKafkaForTests({ initialRebalanceDelayMs: 8000 });
    kafka = new Kafka({ clientId: 'heartbeat-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    testDatabase = await createTestDatabase('os_messaging_heartbeats');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, extraMigrations: messagingMigrations });
    store = new PostgresEventStore(database);
    relay = new KafkaRelay({ store, url: testDatabase.url, kafka, topic, partitions: 1, registry: new Registry() });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await database?.close();
    await testDatabase?.drop();
    await broker?.stop();
  });

  it('a 10 s handler call with 6 s sessions: the member is not expired and the batch is handled once', async () => {
    const group = `slow-${Date.now()}`;
    const calls: Array<readonly EventMessage[]> = [];
    const source = new KafkaSubscriptions({ kafka, topic, deadLetterTopic: `${topic}.dlq`, partitions: 1, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, rebalanceTimeout: 6000, registry: new Registry() });
    const subscription = await source.subscribe(group, async (batch) => {
      calls.push(batch);
      if (calls.length === 1) await sleep(10_000);
    });
    try {
      const orders = newOrderIds(3);
      await appendOrders(store, orders, 2);
      await eventually('the first batch is in the handler', () => calls.length === 1, { timeoutMs: 30_000 });
      const membersDuringBatch = (await broker.describeGroup(group)).memberIds;
      await appendOrders(store, newOrderIds(2), 2);
      await eventually('a later batch arrives after the slow one', () => calls.length >= 2, { timeoutMs: 40_000 });

      expect(membersDuringBatch).toHaveLength(1);
      expect((await broker.describeGroup(group)).memberIds).toEqual(membersDuringBatch);
      const firstIds = new Set(calls[0].map((e) => e.eventId));
      expect(calls.slice(1).flat().filter((e) => firstIds.has(e.eventId))).toEqual([]);
    } finally {
      await subscription.stop();
    }
  }, 90_000);

  it('re-reading a non-empty dead-letter topic after a rejoin keeps the member in its group', async () => {
    const group = `dlq-${Date.now()}`;
    const poison = newOrderIds(1)[0];
    const handled = new Set<string>();
    const source = () =>
      new KafkaSubscriptions({ kafka, topic, deadLetterTopic: `${topic}.dlq`, partitions: 1, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, rebalanceTimeout: 6000, registry: new Registry() });
    const handler = async (batch: readonly EventMessage[]) => {
      for (const event of batch) {
        if (event.orderId === poison) throw new Error('poison');
        handled.add(`${event.orderId} ${event.version}`);
      }
    };
    let subscription = await source().subscribe(group, handler, { maxAttempts: 1, retryBackoffMs: 10 });
    try {
      await appendOrders(store, [poison], 1);
      await eventually('the poison event is parked', async () => (await subscription.listParked()).length === 1, { timeoutMs: 30_000 });
      await subscription.stop();
      // A new member: it joins, and its first batch reads the dead-letter topic through its own group.
      subscription = await source().subscribe(group, handler, { maxAttempts: 1, retryBackoffMs: 10 });
      const later = newOrderIds(4);
      await appendOrders(store, later, 2);
      const members = async () => (await broker.describeGroup(group)).memberIds;
      await eventually('the later events are handled', () => later.every((o) => handled.has(`${o} 1`) && handled.has(`${o} 2`)), { timeoutMs: 60_000 });
      const afterwards = await members();
      expect(afterwards).toHaveLength(1);
      expect((await subscription.listParked()).map((p) => p.orderId)).toEqual([poison]);
    } finally {
      await subscription.stop();
    }
  }, 120_000);
});
