import { createServer, type Server } from 'node:net';
import type { BrokerContext } from './api/broker-context';
import { routeRequests } from './api/dispatch';
import { DEFAULT_GROUP_SETTINGS, type GroupState } from './groups/consumer-group';
import { GroupCoordinator } from './groups/group-coordinator';
import { TopicStore } from './log/topic-store';
import { Connection } from './server/connection';

export interface KafkaTestBrokerLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export interface KafkaTestBrokerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Receives group membership changes and protocol failures; silent by default. */
  logger?: KafkaTestBrokerLogger;
  /** group.min.session.timeout.ms: a JoinGroup below it is INVALID_SESSION_TIMEOUT. Kafka's default, 6000. */
  minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms; Kafka's default, 1,800,000. */
  maxSessionTimeoutMs?: number;
  /**
   * group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for
   * more members. Default 0, as CI's real brokers are configured (Kafka's own default is 3000).
   */
  initialRebalanceDelayMs?: number;
}

export interface PartitionOffsets {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
}

export interface GroupDescription {
  state: GroupState | 'Dead';
  generationId: number;
  leaderId: string | null;
  memberIds: string[];
  committedOffsets: Array<{ topic: string; partition: number; offset: number }>;
}

export interface KafkaTestBroker {
  /** For `new Kafka({ brokers })`: `['127.0.0.1:<port>']`. */
  readonly brokers: string[];
  readonly port: number;
  /** Offsets of every partition of a topic; throws for a topic that does not exist. */
  topicOffsets(topic: string): PartitionOffsets[];
  /** A snapshot of a consumer group, `Dead` if the broker never saw it. */
  describeGroup(groupId: string): GroupDescription;
  /**
   * Fault injection: the next Produce request is appended but its connection is closed instead
   * of answered, as when a response is lost. An idempotent producer retries the same batch.
   */
  dropNextProduceResponse(): void;
  /** Closes every client connection and the listening socket. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const silentLogger: KafkaTestBrokerLogger = { debug: () => undefined, warn: () => undefined };

/** Starts an in-memory, single-node Kafka broker that kafkajs 2.2.4 talks to over TCP. */
export async function startKafkaTestBroker(options: KafkaTestBrokerOptions = {}): Promise<KafkaTestBroker> {
  const logger = options.logger ?? silentLogger;
  const connections = new Set<Connection>();
  const topics = new TopicStore();
  const groups = new GroupCoordinator((message) => logger.debug(message), {
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? DEFAULT_GROUP_SETTINGS.minSessionTimeoutMs,
    maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? DEFAULT_GROUP_SETTINGS.maxSessionTimeoutMs,
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? DEFAULT_GROUP_SETTINGS.initialRebalanceDelayMs,
  });
  const server = createServer();
  await listen(server, options.port ?? 0);
  const port = (server.address() as { port: number }).port;
  const broker: BrokerContext = {
    nodeId: 0,
    host: HOST,
    port,
    clusterId: 'ordersource-kafka-test-broker',
    topics,
    groups,
    faults: { produceResponsesToDrop: 0 },
    log: (message) => logger.debug(message),
  };
  const handle = routeRequests(broker);
  server.on('connection', (socket) => {
    const connection = new Connection(
      socket,
      handle,
      (error, header) => logger.warn(`closing connection after request ${JSON.stringify(header)} failed: ${String(error)}`),
      (closed) => {
        connections.delete(closed);
        groups.connectionClosed(closed.id);
      },
    );
    connections.add(connection);
  });

  return {
    brokers: [`${HOST}:${port}`],
    port,
    topicOffsets(name) {
      const topic = topics.get(name);
      if (!topic) throw new Error(`topic ${name} does not exist`);
      return topic.partitions.map((log, partition) => ({
        partition,
        logStartOffset: log.logStartOffset,
        highWatermark: log.highWatermark,
      }));
    },
    describeGroup(groupId) {
      const group = groups.existingGroup(groupId);
      if (!group) return { state: 'Dead', generationId: -1, leaderId: null, memberIds: [], committedOffsets: [] };
      const committedOffsets = [...group.committed].flatMap(([topic, partitions]) =>
        [...partitions].map(([partition, { offset }]) => ({ topic, partition, offset })),
      );
      return {
        state: group.state,
        generationId: group.generationId,
        leaderId: group.leaderId,
        memberIds: [...group.members.keys()],
        committedOffsets,
      };
    },
    dropNextProduceResponse() {
      broker.faults.produceResponsesToDrop++;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      connections.forEach((connection) => connection.close());
      topics.releaseWaiters();
      groups.stop();
      await closed;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
