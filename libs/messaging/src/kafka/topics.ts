import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/**
 * Creates the topic when missing. The log is kept forever (retention.ms=-1, delete policy):
 * a new consumer group rebuilds a projection from offset 0, so nothing may age out.
 */
export async function ensureTopic(kafka: Kafka, spec: TopicSpec): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(spec.topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.partitions,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        },
      ],
    });
  } catch (error) {
    // Another instance created it between our list and create.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  } finally {
    await admin.disconnect();
  }
}
