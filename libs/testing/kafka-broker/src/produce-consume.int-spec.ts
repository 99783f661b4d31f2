import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker } from './index';
import { eventually } from '@ordersource/testing/eventually';

const TOPIC = 'orders-produce-consume';
const KEYS = 40;
const MESSAGES = 1000;

interface Consumed {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: IHeaders;
}

describe('kafkajs producing to and consuming from the test broker', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startKafkaTestBroker();
    kafka = new Kafka({ clientId: 'produce-consume', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });

  afterAll(() => broker.stop());

  it('delivers 1,000 keyed messages with headers in per-key order and contiguous offsets', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: MESSAGES }, (_, index) => ({
      key: `order-${index % KEYS}`,
      value: JSON.stringify({ sequence: Math.floor(index / KEYS), index }),
      headers: { 'event-type': 'OrderPlaced', 'correlation-id': `corr-${index}` },
    }));
    for (let start = 0; start < MESSAGES; start += 100) {
      await producer.send({ topic: TOPIC, acks: -1, messages: sent.slice(start, start + 100) });
    }
    await producer.disconnect();

    const consumed: Consumed[] = [];
    const consumer = kafka.consumer({ groupId: 'produce-consume', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        consumed.push({
          partition,
          offset: Number(message.offset),
          key: String(message.key),
          value: String(message.value),
          headers: message.headers ?? {},
        });
      },
    });
    await eventually('every message is consumed', () => consumed.length >= MESSAGES);
    await consumer.disconnect();

    expect(consumed).toHaveLength(MESSAGES);
    const byKey = new Map<string, Consumed[]>();
    consumed.forEach((message) => byKey.set(message.key, [...(byKey.get(message.key) ?? []), message]));
    expect(byKey.size).toBe(KEYS);
    for (const messages of byKey.values()) {
      expect(messages.map((m) => JSON.parse(m.value).sequence)).toEqual(messages.map((_, sequence) => sequence));
      expect(new Set(messages.map((m) => m.partition)).size).toBe(1);
    }
    for (const message of consumed) {
      const { index } = JSON.parse(message.value);
      expect(message.key).toBe(sent[index].key);
      expect(String(message.headers['event-type'])).toBe('OrderPlaced');
      expect(String(message.headers['correlation-id'])).toBe(`corr-${index}`);
    }

    const topicOffsets = await admin.fetchTopicOffsets(TOPIC);
    await admin.disconnect();
    expect(topicOffsets).toHaveLength(6);
    for (const { partition, high, low } of topicOffsets) {
      const offsets = consumed.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(low).toBe('0');
      expect(offsets).toEqual(Array.from({ length: Number(high) }, (_, offset) => offset));
    }
    expect(broker.topicOffsets(TOPIC).reduce((sum, p) => sum + p.highWatermark, 0)).toBe(MESSAGES);
  });
});
