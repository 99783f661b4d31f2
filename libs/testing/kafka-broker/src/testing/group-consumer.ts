import type { Consumer, Kafka } from 'kafkajs';

export interface ConsumedRecord {
  consumer: string;
  partition: number;
  offset: number;
  value: string;
}

/** Short timeouts so a vanished member is noticed in seconds, as the suites need. */
export const FAST_GROUP_SETTINGS = { sessionTimeout: 6000, heartbeatInterval: 1000, maxWaitTimeInMs: 300 };

export interface GroupConsumer {
  consumer: Consumer;
  /** Partitions of the topic assigned at the consumer's latest join. */
  assigned(): number[];
}

/**
 * A consumer that records what it consumes into `sink` and commits each message after
 * recording it (autoCommit off), so a successor resumes after the last recorded message.
 */
export async function startGroupConsumer(
  kafka: Kafka,
  name: string,
  options: { groupId: string; topic: string; sink: ConsumedRecord[] },
): Promise<GroupConsumer> {
  let assigned: number[] = [];
  const consumer = kafka.consumer({ groupId: options.groupId, ...FAST_GROUP_SETTINGS });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = [...(payload.memberAssignment[options.topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      options.sink.push({ consumer: name, partition, offset: Number(message.offset), value: String(message.value) });
      await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
    },
  });
  return { consumer, assigned: () => assigned };
}
