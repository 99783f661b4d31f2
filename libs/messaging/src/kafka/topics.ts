import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/** What the relay needs to know of the topic it publishes to. */
export interface TopicFacts {
  partitions: number;
  /** max.message.bytes: a record batch larger than this is MESSAGE_TOO_LARGE. */
  maxMessageBytes: number;
}

/** An existing topic this system must not run on: it would lose history, or key orders elsewhere. */
export class TopicRefused extends Error {
  constructor(topic: string, reason: string) {
    super(`refusing topic ${topic}: ${reason}`);
    this.name = 'TopicRefused';
  }
}

const KEEP_FOREVER = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
  { name: 'cleanup.policy', value: 'delete' },
];
const LEADER_WAIT_MS = 15_000;
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Creates the topic when missing, kept forever (retention.ms=-1, retention.bytes=-1, delete
 * policy): a new consumer group rebuilds a projection from offset 0, so nothing may age out. An
 * existing topic is checked the same way, and refused (TopicRefused) when its retention would
 * delete history, it is compacted, or its partition count differs (orders would be keyed onto
 * other partitions than their earlier events). Returns once every partition has a leader.
 */
export async function ensureTopic(kafka: Kafka, spec: TopicSpec): Promise<TopicFacts> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(spec.topic)) {
      try {
        // Not waitForLeaders: kafkajs's wait fails on UNKNOWN_TOPIC_OR_PARTITION, which a real
        // broker answers until its metadata has the new topic; checkTopic waits instead.
        await admin.createTopics({ waitForLeaders: false, topics: [{ topic: spec.topic, numPartitions: spec.partitions, configEntries: KEEP_FOREVER }] });
      } catch (error) {
        // Another instance created it between our list and create: check theirs as any other.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      }
    }
    return await checkTopic(admin, spec);
  } finally {
    await admin.disconnect();
  }
}

async function checkTopic(admin: Admin, spec: TopicSpec): Promise<TopicFacts> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  const { resources } = await untilDeadline(deadline, () => admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.topic, configNames: ['retention.ms', 'retention.bytes', 'cleanup.policy', 'max.message.bytes'] }],
  }));
  const configs = new Map((resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]));
  if (configs.get('retention.ms') !== '-1') {
    throw new TopicRefused(spec.topic, `retention.ms=${configs.get('retention.ms')} would delete events a rebuild reads from offset 0; set retention.ms=-1`);
  }
  if ((configs.get('retention.bytes') ?? '-1') !== '-1') {
    throw new TopicRefused(spec.topic, `retention.bytes=${configs.get('retention.bytes')} would delete events; set retention.bytes=-1`);
  }
  if ((configs.get('cleanup.policy') ?? 'delete').includes('compact')) {
    throw new TopicRefused(spec.topic, `cleanup.policy=${configs.get('cleanup.policy')} keeps only the last event per order; set cleanup.policy=delete`);
  }
  for (;;) {
    const { topics } = await untilDeadline(deadline, () => admin.fetchTopicMetadata({ topics: [spec.topic] }));
    const partitions = topics[0]?.partitions ?? [];
    if (partitions.length !== spec.partitions) {
      throw new TopicRefused(spec.topic, `it has ${partitions.length} partition(s), this deployment is configured for ${spec.partitions}`);
    }
    if (partitions.every((p) => p.leader >= 0)) {
      return { partitions: partitions.length, maxMessageBytes: Number(configs.get('max.message.bytes') ?? DEFAULT_MAX_MESSAGE_BYTES) };
    }
    if (Date.now() > deadline) throw new Error(`topic ${spec.topic}: partitions without a leader after ${LEADER_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Retries errors Kafka calls retriable (a new topic unknown to the broker's metadata yet) until the deadline. */
async function untilDeadline<T>(deadline: number, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isRetriable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** kafkajs marks retriable protocol errors, and wraps them once its own retries are spent. */
function isRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; originalError?: { retriable?: boolean }; cause?: { retriable?: boolean } } | undefined;
  return e?.retriable === true || e?.originalError?.retriable === true || e?.cause?.retriable === true;
}
