/**
 * The limits a real broker enforces, asserted the same way against the Kafka test broker and,
 * when KAFKA_BROKERS is set (CI's real-Kafka run), against Apache Kafka: MESSAGE_TOO_LARGE,
 * session timeout bounds, topic config validation; and what the code does about them: the relay
 * splits pages by bytes and holds (with an alert) at an event too large to publish, and
 * ensureTopic refuses an existing topic that would lose history.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase, type NewEvent } from '@ordersource/event-store';
import { startKafkaForTests, type KafkaForTests } from '@ordersource/testing/kafka-broker';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { messagingMigrations } from '../migrations';
import { eventually } from '@ordersource/testing/eventually';
import { orderPlaced } from '../testing/order-events';
import { KafkaRelay } from './relay';
import { ensureTopic, TopicRefused } from './topics';

const CHAIN_KEY = 'messaging-suite-chain-key-0123456789';
const MIB = 1024 * 1024;

/** An OrderPlaced whose customer note carries `bytes` of incompressible text. */
function bulkyOrder(orderId: string, bytes: number): NewEvent {
  const event = orderPlaced(orderId);
  return { ...event, data: { ...(event.data as object), note: randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64') } } as NewEvent;
}

const errorType = (error: unknown) => (error as { type?: string }).type;

describe('limits Kafka enforces, and how the relay and ensureTopic meet them', () => {
  let broker: KafkaForTests;
  let kafka: Kafka;
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  const relays: KafkaRelay[] = [];
  const topic = (name: string) => `limits-${name}-${randomUUID().slice(0, 8)}`;
  const highWatermarks = async (name: string) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(name)).reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    broker = await startKafkaForTests();
    kafka = new Kafka({ clientId: 'limits-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    testDatabase = await createTestDatabase('os_messaging_limits');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, extraMigrations: messagingMigrations });
    store = new PostgresEventStore(database);
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await database?.close();
    await testDatabase?.drop();
    await broker?.stop();
  });

  it('refuses a 2 MiB message with MESSAGE_TOO_LARGE', async () => {
    const name = topic('message');
    await ensureTopic(kafka, { topic: name, partitions: 1 });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const sent = producer.send({ topic: name, acks: -1, messages: [{ key: 'k', value: randomBytes(2 * MIB) }] });
      await expect(sent.catch(errorType)).resolves.toBe('MESSAGE_TOO_LARGE');
      // 1.5 MB of 1 KiB messages to one partition: one record batch, refused as a whole.
      const many = Array.from({ length: 1500 }, () => ({ key: 'k', value: randomBytes(1000) }));
      await expect(producer.send({ topic: name, acks: -1, messages: many }).catch(errorType)).resolves.toBe('MESSAGE_TOO_LARGE');
    } finally {
      await producer.disconnect();
    }
    expect(await highWatermarks(name)).toBe(0);
  });

  it('refuses a session timeout under group.min.session.timeout.ms (6 s)', async () => {
    const name = topic('session');
    await ensureTopic(kafka, { topic: name, partitions: 1 });
    const consumer = kafka.consumer({ groupId: `limits-${randomUUID()}`, sessionTimeout: 1000, heartbeatInterval: 100, retry: { retries: 0 } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: name, fromBeginning: true });
      const crashed = new Promise<unknown>((resolve) => consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error)));
      await consumer.run({ eachMessage: async () => undefined });
      expect(errorType(await crashed)).toBe('INVALID_SESSION_TIMEOUT');
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses an unknown topic config and a bad value with INVALID_CONFIG', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const configEntries of [[{ name: 'retention.forever', value: 'yes' }], [{ name: 'retention.ms', value: 'forever' }]]) {
        const created = admin.createTopics({ topics: [{ topic: topic('config'), numPartitions: 1, configEntries }] });
        await expect(created.catch((error: { errors?: Array<{ type?: string }> }) => error.errors?.[0]?.type)).resolves.toBe('INVALID_CONFIG');
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('ensureTopic refuses an existing topic with 7-day retention, or another partition count, and accepts its own', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const weekly = topic('weekly');
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: weekly, numPartitions: 6, configEntries: [{ name: 'retention.ms', value: '604800000' }] }] });
    } finally {
      await admin.disconnect();
    }
    await expect(ensureTopic(kafka, { topic: weekly, partitions: 6 })).rejects.toThrow(TopicRefused);
    await expect(ensureTopic(kafka, { topic: weekly, partitions: 6 })).rejects.toThrow(/retention\.ms=604800000/);

    const own = topic('own');
    await expect(ensureTopic(kafka, { topic: own, partitions: 6 })).resolves.toMatchObject({ partitions: 6 });
    await expect(ensureTopic(kafka, { topic: own, partitions: 6 })).resolves.toMatchObject({ partitions: 6 });
    await expect(ensureTopic(kafka, { topic: own, partitions: 12 })).rejects.toThrow(/has 6 partition\(s\)/);
  });

  it('the relay publishes a 3 MB page in requests under the limit', async () => {
    const name = topic('split');
    const before = await eventsBefore();
    const orders = Array.from({ length: 30 }, () => randomUUID());
    for (const orderId of orders) await store.appendToStream(`order-${orderId}`, 'no_stream', [bulkyOrder(orderId, 100_000)]);
    const relay = new KafkaRelay({ store, url: testDatabase.url, kafka, topic: name, partitions: 3, batchSize: 500, registry: new Registry(), logger: process.env.DEBUG_MSG ? { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (f: object, m: string) => console.log(m, f) } : undefined });
    relays.push(relay);
    relay.start();
    await eventually('all 30 events are on the topic', async () => (await highWatermarks(name).catch(() => 0)) >= before + 30, { timeoutMs: 50_000 });
    expect(await highWatermarks(name)).toBe(before + 30);
    expect(relay.blockedOn).toBeUndefined();
  });

  it('the relay holds at an event too large even compressed for the topic, alerts once, and publishes everything before it', async () => {
    // The event store takes events up to 1 MiB, which gzip always brings under Kafka's default
    // limit; a topic made with a lower max.message.bytes is where an event cannot go.
    const name = topic('oversize');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '-1' }, { name: 'max.message.bytes', value: '200000' }] }] });
    } finally {
      await admin.disconnect();
    }
    const registry = new Registry();
    const errors: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (_fields: object, message: string) => void errors.push(message) };
    const before = await eventsBefore();
    const small = randomUUID();
    const huge = randomUUID();
    await store.appendToStream(`order-${small}`, 'no_stream', [orderPlaced(small)]);
    await store.appendToStream(`order-${huge}`, 'no_stream', [bulkyOrder(huge, 600_000)]);
    const relay = new KafkaRelay({ store, url: testDatabase.url, kafka, topic: name, partitions: 3, batchSize: 500, registry, logger });
    relays.push(relay);
    relay.start();
    await eventually('the relay holds at the oversize event', () => relay.blockedOn !== undefined, { timeoutMs: 60_000 });

    const stored = (await store.readStream(`order-${huge}`))[0];
    expect(relay.blockedOn).toMatchObject({ eventId: stored.eventId });
    expect((await registry.getSingleMetric('ordersource_relay_blocked')?.get())?.values[0]?.value).toBe(1);
    expect(errors.filter((message) => message.startsWith('relay holds'))).toHaveLength(1);
    // Everything before it in the log went out; the event itself and nothing after it.
    expect(await highWatermarks(name)).toBe(before + 1);
  });

  /** Events already in this suite's store: every relay starts from the beginning of the log. */
  async function eventsBefore(): Promise<number> {
    const page = await store.readAll({ limit: 10_000 });
    return page.events.length;
  }
});
