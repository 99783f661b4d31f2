/**
 * The dead-letter topic's in-memory fold must not lose a park to a concurrent read: after a
 * rejoin (forget()), the first batch's park and a listParked() call each started a read of the
 * topic, and the read that finished last replaced the map the park had been applied to. Runs on
 * the test broker, or on the real cluster at KAFKA_BROKERS (CI's real-Kafka run).
 */
import { randomUUID } from 'node:crypto';
import { startKafkaForTests, type KafkaForTests } from '@ordersource/testing/kafka-broker';
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
