/**
 * Soak (ORDERSOURCE_SOAK_MS, e.g. 600000 for CI's 10 minutes; jest.config.js leaves this file out otherwise): two
 * members of one Kafka subscription group with 6 s sessions behind the relay, under steady
 * appends, with slow handlers (a handler call every 20 s takes 7-9 s, longer than the session), poison
 * orders parked in the dead-letter topic (so each rejoin re-reads it through its own group), and
 * one member restarted every minute. A stall is 30 s with events pending and none applied; the
 * run must end with none, no gap, and every event that is not parked applied.
 */
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { startKafkaForTests, type KafkaForTests } from '@ordersource/testing/kafka-broker';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import type { EventMessage } from '@ordersource/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { messagingMigrations } from '../migrations';
import type { Subscription } from '../subscription.port';
import { DeliveryLog } from '../testing/delivery-log';
import { eventually } from '@ordersource/testing/eventually';
import { appendOrders, newOrderIds } from '../testing/order-events';
import { KafkaSubscriptions } from './kafka-subscriptions';
import { KafkaRelay } from './relay';

const SOAK_MS = Number(process.env.ORDERSOURCE_SOAK_MS ?? 120_000);
const CHAIN_KEY = 'messaging-suite-chain-key-0123456789';
const STALL_MS = 30_000;
const EVENTS_PER_ORDER = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`a Kafka subscription soaked for ${Math.round(SOAK_MS / 1000)} s with slow handlers and 6 s sessions`, () => {
  let broker: KafkaForTests;
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let relay: KafkaRelay;

  afterAll(async () => {
    await relay?.stop();
    await database?.close();
    await testDatabase?.drop();
    await broker?.stop();
  });

  it('never stalls, loses nothing and keeps each order in version order', async () => {
    broker = await startKafkaForTests();
    const kafka = new Kafka({ clientId: 'soak', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    testDatabase = await createTestDatabase('os_messaging_soak');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, extraMigrations: messagingMigrations });
    const store = new PostgresEventStore(database);
    const topic = `soak-${Date.now()}`;
    relay = new KafkaRelay({ store, url: testDatabase.url, kafka, topic, partitions: 6, registry: new Registry() });
    relay.start();

    const poison = new Set<string>();
    const healthy = new Set<string>();
    const log = new DeliveryLog(healthy);
    let lastSlowAt = Date.now();
    const handler = async (batch: readonly EventMessage[]) => {
      if (batch.some((e) => poison.has(e.orderId))) throw new Error('poison order');
      const slow = Date.now() - lastSlowAt > 20_000;
      if (slow) lastSlowAt = Date.now();
      await sleep(slow ? 7000 + Math.random() * 2000 : Math.random() * 50);
      await log.handle(batch);
    };
    const source = new KafkaSubscriptions({ kafka, topic, deadLetterTopic: `${topic}.dlq`, partitions: 6, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10_000, registry: new Registry() });
    const subscribe = () => source.subscribe('soak-projection', handler, { batchSize: 50, maxAttempts: 2, retryBackoffMs: 50 });
    const members: Subscription[] = [await subscribe(), await subscribe()];

    let appended = 0;
    let restarts = 0;
    let stalls = 0;
    let lastProgressAt = Date.now();
    let lastApplied = 0;
    const endAt = Date.now() + SOAK_MS;
    const traffic = (async () => {
      for (let round = 0; Date.now() < endAt; round++) {
        const orders = newOrderIds(10);
        orders.forEach((o, i) => (round % 20 === 0 && i === 0 ? poison : healthy).add(o));
        await appendOrders(store, orders, EVENTS_PER_ORDER, 1, 4);
        appended += orders.filter((o) => healthy.has(o)).length * EVENTS_PER_ORDER;
        await sleep(500);
      }
    })();
    const watch = setInterval(() => {
      const applied = log.appliedCount();
      if (applied > lastApplied || applied >= appended) {
        lastApplied = applied;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > STALL_MS) {
        stalls++;
        lastProgressAt = Date.now();
      }
    }, 1000);
    try {
      for (let minute = 1; Date.now() < endAt - 20_000; minute++) {
        await sleep(Math.min(60_000, endAt - Date.now() - 20_000));
        if (Date.now() >= endAt - 20_000) break;
        const index = minute % 2;
        await members[index].stop();
        members[index] = await subscribe();
        restarts++;
      }
      await traffic;
      await eventually('every healthy event is applied', () => log.appliedCount() === appended, { timeoutMs: 120_000 }).catch((error: Error) => {
        throw new Error(`${error.message}: ${log.appliedCount()} of ${appended} applied, ${stalls} stall(s)`);
      });
    } finally {
      clearInterval(watch);
      await Promise.all(members.map((m) => m.stop()));
    }
    // The figures of the run, for the report: what was tried and what it came to.
    process.stdout.write(`soak: ${Math.round(SOAK_MS / 1000)} s, ${appended} healthy events appended and ${log.appliedCount()} applied, ${poison.size} poison orders parked, ${restarts} member restarts, ${stalls} stalls, ${log.gaps.length} gaps\n`);
    expect(stalls).toBe(0);
    expect(log.gaps).toEqual([]);
    expect(appended).toBeGreaterThan(0);
    expect(log.appliedCount()).toBe(appended);
  }, SOAK_MS + 300_000);
});
