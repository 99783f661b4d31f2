/**
 * The dead-letter topic's in-memory fold must not lose a park to a concurrent read: after a
 * rejoin (forget()), the first batch's park and a listParked() call each started a read of the
 * topic, and the read that finished last replaced the map the park had been applied to. Runs on
 * the test broker, or on the real cluster at KAFKA_BROKERS (CI's real-Kafka run).
 */
import { randomUUID } from 'node:crypto';
import { startKafkaForTests, startKafkaTestBroker, type KafkaForTests } from '@ordersource/testing/kafka-broker';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { EventMessage } from '@ordersource/contracts';
import { orderPlaced } from '../testing/order-events';
import { DeadLetterTopic } from './dead-letter-topic';
import { ensureTopic } from './topics';

/** An order's first event as the relay would publish it; the dead-letter topic keys by order and version. */
const event = (orderId: string): EventMessage => ({
  ...orderPlaced(orderId),
  eventId: randomUUID(),
  streamId: `order-${orderId}`,
  orderId,
  version: 1,
  position: '1',
  recordedAt: new Date().toISOString(),
  hash: randomUUID(),
  previousHash: null,
});

describe('the dead-letter topic of a Kafka subscription', () => {
  let broker: KafkaForTests;
  let kafka: Kafka;
  let producer: Producer;
  const topic = `dead-letter-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    broker = await startKafkaForTests();
    kafka = new Kafka({ clientId: 'dead-letter-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    await ensureTopic(kafka, { topic, partitions: 1 });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it('a park racing a read of the topic after a rejoin is listed afterwards', async () => {
    // Another subscription's record first, so every read goes through a consumer group (slow).
    await new DeadLetterTopic(kafka, producer, topic, 'other').park([{ event: event(randomUUID()), error: 'e', attempts: 1, waiting: false }]);
    const parking = new DeadLetterTopic(kafka, producer, topic, 'racing');
    const parked: string[] = [];
    for (let round = 0; round < 6; round++) {
      const orderId = randomUUID();
      parking.forget();
      // The park starts its read first; the listing starts another one before the park's send.
      const park = parking.park([{ event: event(orderId), error: 'poison', attempts: 1, waiting: false }]);
      const listing = parking.list();
      await Promise.all([park, listing]);
      parked.push(orderId);
      expect((await parking.list()).map((p) => p.orderId).sort()).toEqual([...parked].sort());
    }
    // And a fresh reader folds the same from the topic.
    expect((await new DeadLetterTopic(kafka, producer, topic, 'racing').list()).map((p) => p.orderId).sort()).toEqual([...parked].sort());
  }, 120_000);
});

describe('a read of the dead-letter topic that cannot finish', () => {
  it('fails, rather than leaving every batch waiting, when its throw-away consumer crashes; the next read tries again', async () => {
    // Only the test broker can refuse the reader's group: its 10 s session is below this minimum,
    // so JoinGroup answers INVALID_SESSION_TIMEOUT, which kafkajs does not restart after.
    const strict = await startKafkaTestBroker({ minSessionTimeoutMs: 20_000 });
    const client = new Kafka({ clientId: 'dead-letter-crash', brokers: strict.brokers, logLevel: logLevel.NOTHING });
    const strictProducer = client.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    try {
      const crashTopic = `dead-letter-crash-${randomUUID().slice(0, 8)}`;
      await ensureTopic(client, { topic: crashTopic, partitions: 1 });
      await strictProducer.connect();
      // A record in the topic, so that a read needs the consumer group.
      await strictProducer.send({ topic: crashTopic, messages: [{ key: 'k', value: JSON.stringify({ kind: 'released', subscription: 'other', orderId: 'o', throughVersion: 1 }) }] });
      const parking = new DeadLetterTopic(client, strictProducer, crashTopic, 'crashing');
      await expect(parking.list()).rejects.toThrow(/reading dead-letter topic .* failed: .*session timeout/i);
      // Not kept: the next call reads again (and fails again, the same way), it does not hang.
      await expect(parking.blockedOrders()).rejects.toThrow(/failed/);
    } finally {
      await strictProducer.disconnect();
      await strict.stop();
    }
  }, 60_000);

  it('fails, rather than hanging, when the broker goes away as the reader starts consuming', async () => {
    const broker = await startKafkaTestBroker();
    const client = new Kafka({ clientId: 'dead-letter-timeout', brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
    const plainProducer = client.producer({ allowAutoTopicCreation: false });
    let stopped = false;
    try {
      const slowTopic = `dead-letter-timeout-${randomUUID().slice(0, 8)}`;
      await ensureTopic(client, { topic: slowTopic, partitions: 1 });
      await plainProducer.connect();
      await plainProducer.send({ topic: slowTopic, messages: [{ key: 'k', value: 'null' }] });
      await plainProducer.disconnect();
      // The broker goes away as the reader's consumer starts running: kafkajs retries, then
      // crashes without restarting (it found no group coordinator), after run() had settled.
      // Should it restart instead, the read timeout ends the read.
      const consumerOf = client.consumer.bind(client);
      jest.spyOn(client, 'consumer').mockImplementation((config) => {
        const consumer = consumerOf(config);
        const run = consumer.run.bind(consumer);
        consumer.run = async (options) => {
          await broker.stop();
          stopped = true;
          return run(options);
        };
        return consumer;
      });
      const parking = new DeadLetterTopic(client, plainProducer, slowTopic, 'timing-out', 3000);
      await expect(parking.list()).rejects.toThrow(/reading dead-letter topic .* (failed: |did not reach its end within 3000 ms)/);
    } finally {
      if (!stopped) await broker.stop();
    }
  }, 60_000);
});
