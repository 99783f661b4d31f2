import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker } from './index';
import { eventually } from '@ordersource/testing/eventually';
import { FAST_GROUP_SETTINGS, startGroupConsumer, type ConsumedRecord } from './testing/group-consumer';

const PARTITIONS = [0, 1, 2, 3, 4, 5];
const TAKEOVER_DEADLINE_MS = FAST_GROUP_SETTINGS.sessionTimeout + 6000;

describe('a consumer group on the test broker', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startKafkaTestBroker();
    kafka = new Kafka({ clientId: 'rebalance', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await broker.stop();
  });

  const produce = async (topic: string, from: number, count: number): Promise<void> => {
    const messages = Array.from({ length: count }, (_, i) => ({ key: `order-${(from + i) % 37}`, value: `m${from + i}` }));
    await producer.send({ topic, acks: -1, messages });
  };
  const consumedValues = (records: ConsumedRecord[]): Set<string> => new Set(records.map((r) => r.value));
  const expectAllOf = (records: ConsumedRecord[], count: number): void =>
    expect([...consumedValues(records)].sort()).toEqual(Array.from({ length: count }, (_, i) => `m${i}`).sort());
  const committedEverything = async (groupId: string, topic: string): Promise<boolean> => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const latest = broker.topicOffsets(topic);
    return committed.partitions.every(({ partition, offset }) => Number(offset) === latest[partition].highWatermark);
  };

  it('hands the partitions of a member that leaves to the other, which resumes from the committed offsets', async () => {
    const topic = 'orders-leave';
    const groupId = 'leave-group';
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    const records: ConsumedRecord[] = [];
    const first = await startGroupConsumer(kafka, 'first', { groupId, topic, sink: records });
    const second = await startGroupConsumer(kafka, 'second', { groupId, topic, sink: records });

    await eventually('the two members split the six partitions', () => {
      const [a, b] = [first.assigned(), second.assigned()];
      return a.length > 0 && b.length > 0 && [...a, ...b].sort().join() === PARTITIONS.join();
    });
    await produce(topic, 0, 300);
    await eventually('the first 300 messages are consumed', () => consumedValues(records).size === 300);
    expect(records.some((r) => r.consumer === 'second')).toBe(true);
    const leftPartitions = second.assigned();
    await second.consumer.disconnect();
    const [atLeave] = await admin.fetchOffsets({ groupId, topics: [topic] });

    await eventually('the remaining member owns all six partitions', () => first.assigned().join() === PARTITIONS.join(), {
      timeoutMs: TAKEOVER_DEADLINE_MS,
    });
    const takenOverAt = records.length;
    await produce(topic, 300, 300);
    await eventually('all 600 messages are consumed', () => consumedValues(records).size === 600);
    await eventually('the group committed every partition to its end', () => committedEverything(groupId, topic));
    await first.consumer.disconnect();

    expectAllOf(records, 600);
    for (const partition of leftPartitions) {
      const resumedAt = Math.min(...records.slice(takenOverAt).filter((r) => r.partition === partition).map((r) => r.offset));
      expect(resumedAt).toBe(Number(atLeave.partitions.find((p) => p.partition === partition)?.offset));
    }
  });

  it('gives a killed member’s partitions to the survivor within the session timeout, losing nothing', async () => {
    const topic = 'orders-kill';
    const groupId = 'kill-group';
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    const records: ConsumedRecord[] = [];
    const survivor = await startGroupConsumer(kafka, 'survivor', { groupId, topic, sink: records });
    let victimAssigned: number[] = [];
    const victim: ChildProcess = fork(join(__dirname, 'testing/fixtures/killable-consumer.js'), [], {
      env: { ...process.env, BROKERS: broker.brokers.join(), TOPIC: topic, GROUP_ID: groupId, SETTINGS: JSON.stringify(FAST_GROUP_SETTINGS) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    victim.on('message', (message: { type: string; partitions: number[] } & Omit<ConsumedRecord, 'consumer'>) => {
      if (message.type === 'assigned') victimAssigned = message.partitions;
      else records.push({ consumer: 'victim', partition: message.partition, offset: message.offset, value: message.value });
    });

    try {
      await eventually('the two members split the six partitions', () => {
        const survivorPartitions = survivor.assigned();
        return victimAssigned.length > 0 && survivorPartitions.length > 0 && [...survivorPartitions, ...victimAssigned].sort().join() === PARTITIONS.join();
      });
      await produce(topic, 0, 300);
      await eventually('the first 300 messages are consumed', () => consumedValues(records).size === 300);
      expect(records.some((r) => r.consumer === 'victim')).toBe(true);

      victim.kill('SIGKILL');
      const killedAt = Date.now();
      await eventually('the survivor owns all six partitions', () => survivor.assigned().join() === PARTITIONS.join(), {
        timeoutMs: TAKEOVER_DEADLINE_MS,
      });
      expect(Date.now() - killedAt).toBeLessThan(TAKEOVER_DEADLINE_MS);
      expect(broker.describeGroup(groupId).memberIds).toHaveLength(1);

      await produce(topic, 300, 300);
      await eventually('all 600 messages are consumed', () => consumedValues(records).size === 600);
      await eventually('the group committed every partition to its end', () => committedEverything(groupId, topic));
      expectAllOf(records, 600);
    } finally {
      victim.kill('SIGKILL');
      await survivor.consumer.disconnect();
    }
  });
});
