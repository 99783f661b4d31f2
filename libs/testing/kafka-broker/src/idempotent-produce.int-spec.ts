import { Kafka, logLevel } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker } from './index';
import { eventually } from '@ordersource/testing/eventually';

const TOPIC = 'orders-idempotent';

describe('the idempotent producer on the test broker', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  const brokerLog: string[] = [];

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ logger: { debug: (line) => brokerLog.push(line), warn: (line) => brokerLog.push(line) } });
    kafka = new Kafka({ clientId: 'idempotence', brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    await admin.disconnect();
  });

  afterAll(() => broker.stop());

  it('stores a batch once when its response is lost and the producer retries it', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'k', value: 'before' }] });

    broker.dropNextProduceResponse();
    const [retried] = await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: `retried-${i}` })),
    });
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'k', value: 'after' }] });
    await producer.disconnect();

    expect(brokerLog).toContain(`${TOPIC}-0: retried batch not appended again`);
    expect(retried.baseOffset).toBe('1');
    expect(broker.topicOffsets(TOPIC)[0].highWatermark).toBe(12);

    const values: string[] = [];
    const consumer = kafka.consumer({ groupId: 'idempotence-check', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void values.push(String(message.value)) });
    await eventually('the partition is read to its end', () => values.length >= 12);
    await consumer.disconnect();
    expect(values).toEqual(['before', ...Array.from({ length: 10 }, (_, i) => `retried-${i}`), 'after']);
  });
});
