import { Kafka, logLevel } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker, type KafkaTestBrokerOptions } from './kafka-test-broker';

export interface GroupSnapshot {
  state: string;
  memberIds: string[];
}

/** The Kafka a suite runs against: its own test broker, or the real cluster at KAFKA_BROKERS. */
export interface KafkaForTests {
  /** For test titles: `the Kafka test broker` or `Apache Kafka at host:port`. */
  readonly name: string;
  readonly brokers: string[];
  /** The test broker when the suite runs on it, for the checks only it can make. */
  readonly testBroker?: KafkaTestBroker;
  /** State and members of a consumer group, through DescribeGroups on a real cluster. */
  describeGroup(groupId: string): Promise<GroupSnapshot>;
  /** Stops the test broker; a real cluster is left running. */
  stop(): Promise<void>;
}

/**
 * With KAFKA_BROKERS set (CI's real-Kafka run: tools/kafka/start-real-kafka.sh), the suite talks
 * to that cluster; otherwise it starts its own Kafka test broker. Suites written against this
 * run unchanged on both, which is how a difference between the double and Kafka shows up.
 */
export async function startKafkaForTests(options: KafkaTestBrokerOptions = {}): Promise<KafkaForTests> {
  const real = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  if (real && real.length > 0) {
    const admin = new Kafka({ clientId: 'kafka-for-tests', brokers: real, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    return {
      name: `Apache Kafka at ${real.join(',')}`,
      brokers: real,
      async describeGroup(groupId) {
        const { groups } = await admin.describeGroups([groupId]);
        return { state: groups[0]?.state ?? 'Dead', memberIds: (groups[0]?.members ?? []).map((m) => m.memberId) };
      },
      stop: () => admin.disconnect(),
    };
  }
  const broker = await startKafkaTestBroker(options);
  return {
    name: 'the Kafka test broker',
    brokers: broker.brokers,
    testBroker: broker,
    describeGroup: async (groupId) => {
      const { state, memberIds } = broker.describeGroup(groupId);
      return { state, memberIds };
    },
    stop: () => broker.stop(),
  };
}
