/**
 * `npm run bench`, section `distribution`: append-to-handler lag at a steady 500 events/s for
 * both subscription adapters (goal p99 < 200 ms), and the relay's publish throughput. Uses
 * KAFKA_BROKERS when set, else the in-memory Kafka test broker.
 */
import { randomBytes } from 'node:crypto';
import { openEventStoreDatabase, PostgresEventStore, type EventStore } from '@ordersource/event-store';
import { startKafkaTestBroker } from '@ordersource/testing/kafka-broker';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { KafkaSubscriptions } from '../kafka/kafka-subscriptions';
import { KafkaRelay } from '../kafka/relay';
import { messagingMigrations } from '../migrations';
import { PostgresLogSubscriptions } from '../postgres-log/postgres-log-subscriptions';
import type { SubscriptionSource } from '../subscription.port';
import { eventually } from '@ordersource/testing/eventually';
import { appendOrders, newOrderIds, orderPlaced } from '../testing/order-events';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import type { BenchRow, BenchTable } from '@ordersource/platform';


const RATE = 500;
const SECONDS = 6;
const CHAIN_KEY = 'distribution-bench-chain-key-0123456789';

export async function benchDistribution(serverUrl: string): Promise<BenchTable> {
  const scratch = await createDatabaseOn(serverUrl, 'os_bench_distribution');
  const url = new URL(scratch.url);
  const database = await openEventStoreDatabase({ url: url.toString(), chainKey: CHAIN_KEY, extraMigrations: messagingMigrations, poolSize: 12 });
  const broker = await startBroker();
  const kafka = new Kafka({ clientId: 'bench', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const store = new PostgresEventStore(database);
  const rows: BenchRow[] = [];
  try {
    const pgLag = await measureLag(store, new PostgresLogSubscriptions({ store, database, url: url.toString() }));
    rows.push({ name: 'postgres-log append→handler lag p50', unit: 'ms', value: pgLag.p50 }, { name: 'postgres-log append→handler lag p99', unit: 'ms', value: pgLag.p99, ratio: pgLag.p99 / 200 });

    const registry = new Registry();
    const relay = new KafkaRelay({ store, url: url.toString(), kafka, registry });
    relay.start();
    const kafkaLag = await measureLag(store, new KafkaSubscriptions({ kafka, sessionTimeout: 10_000, heartbeatInterval: 1000 }));
    rows.push({ name: 'kafka append→handler lag p50', unit: 'ms', value: kafkaLag.p50 }, { name: 'kafka append→handler lag p99', unit: 'ms', value: kafkaLag.p99, ratio: kafkaLag.p99 / 200 });
    await relay.stop();

    // Throughput: a backlog of 10,000 events drained by a fresh relay leader.
    await appendOrders(store, newOrderIds(500), 20, 2, 8);
    const topic = `ordersource.orders.v1.bench-${randomBytes(3).toString('hex')}`;
    const throughputRegistry = new Registry();
    const drain = new KafkaRelay({ store, url: url.toString(), kafka, topic, registry: throughputRegistry, batchSize: 1000 });
    const started = Date.now();
    drain.start();
    const total = async () => (await throughputRegistry.getSingleMetric('ordersource_relay_published_events_total')?.get())?.values[0]?.value ?? 0;
    const expected = (await countEvents(url.toString())) as number;
    await eventually('the relay published the backlog', async () => (await total()) >= expected, { timeoutMs: 120_000, everyMs: 20 });
    const seconds = (Date.now() - started) / 1000;
    await drain.stop();
    rows.push({ name: 'relay publish throughput', unit: 'events/s', value: Math.round(expected / seconds) });
  } finally {
    await broker.stop();
    await database.close();
    await scratch.drop();
  }
  return { section: 'distribution', rows };
}

async function measureLag(store: EventStore, source: SubscriptionSource): Promise<{ p50: number; p99: number }> {
  const lags: number[] = [];
  const sentAt = new Map<string, number>();
  const subscription = await source.subscribe(`bench-${randomBytes(3).toString('hex')}`, async (batch) => {
    const now = Date.now();
    for (const event of batch) {
      const sent = sentAt.get(event.orderId);
      if (sent !== undefined && event.version === 1) lags.push(now - sent);
    }
  });
  // Warm-up: measure only once the subscription is live (a Kafka group join takes seconds).
  const [warmUp] = newOrderIds(1);
  sentAt.set(warmUp, Date.now());
  await store.appendToStream(`order-${warmUp}`, 'no_stream', [orderPlaced(warmUp)]);
  await eventually('the subscription is live', () => lags.length === 1, { timeoutMs: 60_000 });
  lags.length = 0;
  const orders = newOrderIds(RATE * SECONDS);
  const tickMs = 20;
  const perTick = (RATE * tickMs) / 1000;
  const appends: Promise<unknown>[] = [];
  const start = Date.now();
  for (let tick = 0; tick * perTick < orders.length; tick++) {
    const due = start + tick * tickMs;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    for (const orderId of orders.slice(tick * perTick, (tick + 1) * perTick)) {
      sentAt.set(orderId, Date.now());
      appends.push(store.appendToStream(`order-${orderId}`, 'no_stream', [orderPlaced(orderId)]));
    }
  }
  await Promise.all(appends);
  await eventually('every bench event reached the handler', () => lags.length >= orders.length, { timeoutMs: 60_000 });
  await subscription.stop();
  lags.sort((a, b) => a - b);
  return { p50: lags[Math.floor(lags.length * 0.5)], p99: lags[Math.floor(lags.length * 0.99)] };
}

async function startBroker(): Promise<{ brokers: string[]; stop(): Promise<void> }> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS.split(','), stop: async () => undefined };
  // The bench is a tool, not a service: without a Kafka it runs on the in-memory test broker.
  return startKafkaTestBroker();
}

async function countEvents(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;
  } finally {
    await client.end();
  }
}

