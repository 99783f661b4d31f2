import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker } from './index';
import { eventually } from '@ordersource/testing/eventually';

const TOPIC = 'orders-offsets';

interface Received {
  partition: number;
  offset: number;
  value: string;
}

describe('committed offsets on the test broker', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startKafkaTestBroker();
    kafka = new Kafka({ clientId: 'offsets', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await broker.stop();
  });

  const produceToEachPartition = async (from: number, perPartition: number): Promise<void> => {
    const messages = [0, 1, 2].flatMap((partition) =>
      Array.from({ length: perPartition }, (_, i) => ({ partition, value: `p${partition}-${from + i}` })),
    );
    await producer.send({ topic: TOPIC, acks: -1, messages });
  };

  /** A consumer that commits after each batch, up to `commitLimit` on partition 0 if given. */
  const startBatchConsumer = async (groupId: string, received: Received[], commitLimit?: number) => {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const message of batch.messages) {
          received.push({ partition: batch.partition, offset: Number(message.offset), value: String(message.value) });
          resolveOffset(message.offset);
        }
        const next = Number(batch.lastOffset()) + 1;
        const offset = batch.partition === 0 && commitLimit !== undefined ? Math.min(next, commitLimit) : next;
        await consumer.commitOffsets([{ topic: TOPIC, partition: batch.partition, offset: String(offset) }]);
      },
    });
    return consumer;
  };

  it('lets a restarted consumer resume exactly where the group committed', async () => {
    const groupId = 'restart-group';
    await produceToEachPartition(0, 20);
    const beforeRestart: Received[] = [];
    const first = await startBatchConsumer(groupId, beforeRestart, 7);
    await eventually('the first consumer read all 60 messages', () => beforeRestart.length >= 60);
    await eventually('its commits are visible', async () => {
      const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
      return partitions.map((p) => Number(p.offset)).sort().join() === '20,20,7';
    });
    await first.disconnect();

    const [{ partitions: committed }] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
    expect(committed.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(['7', '20', '20']);

    await produceToEachPartition(20, 5);
    const afterRestart: Received[] = [];
    const second = await startBatchConsumer(groupId, afterRestart);
    await eventually('the restarted consumer caught up', () => afterRestart.length >= 13 + 5 + 5);
    await second.disconnect();

    const offsetsOf = (partition: number): number[] =>
      afterRestart.filter((r) => r.partition === partition).map((r) => r.offset);
    expect(offsetsOf(0)).toEqual(Array.from({ length: 18 }, (_, i) => 7 + i));
    expect(offsetsOf(1)).toEqual([20, 21, 22, 23, 24]);
    expect(offsetsOf(2)).toEqual([20, 21, 22, 23, 24]);
  });

  it('redelivers from the offset a running consumer seeks to', async () => {
    const received: Received[] = [];
    const consumer = kafka.consumer({ groupId: 'seek-group', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        received.push({ partition, offset: Number(message.offset), value: String(message.value) });
      },
    });
    const partitionOneEnd = broker.topicOffsets(TOPIC)[1].highWatermark;
    await eventually('partition 1 is read to its end', () => received.filter((r) => r.partition === 1).length === partitionOneEnd);

    consumer.seek({ topic: TOPIC, partition: 1, offset: '3' });
    await eventually('partition 1 is read again from offset 3', () => received.filter((r) => r.partition === 1).length === 2 * partitionOneEnd - 3);
    await consumer.disconnect();

    const partitionOne = received.filter((r) => r.partition === 1).map((r) => r.offset);
    expect(partitionOne.slice(partitionOneEnd)).toEqual(Array.from({ length: partitionOneEnd - 3 }, (_, i) => 3 + i));
  });
});
