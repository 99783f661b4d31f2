import { API_VERSION_RANGES, ApiKey, ErrorCode, type ApiKeyName } from '../protocol/api-keys';
import { describeConfigs as describeTopicConfigs, invalidConfig } from '../log/topic-configs';
import { encodeEach, newEncoder, readNullableArray } from '../protocol/kafkajs-codec';
import { NO_THROTTLE, type ApiHandler } from './broker-context';

const HIGHEST_API_VERSIONS_VERSION = API_VERSION_RANGES.ApiVersions.max;
const DEFAULT_PARTITIONS = 1;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Answers any ApiVersions version a client probes with; an unknown version gets
 * UNSUPPORTED_VERSION in the v0 layout, which is how a client learns to step down (KIP-511).
 */
export const apiVersions: ApiHandler = (_body, _broker, header) => {
  const supported = header.apiVersion <= HIGHEST_API_VERSIONS_VERSION;
  const entries = (Object.keys(ApiKey) as ApiKeyName[]).map((name) => ({ name, key: ApiKey[name] }));
  const response = newEncoder()
    .writeInt16(supported ? ErrorCode.None : ErrorCode.UnsupportedVersion)
    .writeArray(
      encodeEach(entries, ({ name, key }, e) => {
        e.writeInt16(key).writeInt16(API_VERSION_RANGES[name].min).writeInt16(API_VERSION_RANGES[name].max);
      }),
    );
  if (supported && header.apiVersion >= 1) response.writeInt32(NO_THROTTLE);
  return response;
};

/**
 * v1-v6 (v3 adds throttle time, v2 the cluster id, v5 offline replicas; v4's request carries
 * allow_auto_topic_creation). Auto-creation is off: an unknown topic is
 * UNKNOWN_TOPIC_OR_PARTITION whatever the flag.
 */
export const metadata: ApiHandler = (body, broker, { apiVersion: v }) => {
  const requested = readNullableArray(body, (d) => d.readString() as string);
  const names = requested ?? broker.topics.all().map((topic) => topic.name);
  const response = newEncoder();
  if (v >= 3) response.writeInt32(NO_THROTTLE);
  response.writeArray(
    encodeEach([broker], (b, e) => e.writeInt32(b.nodeId).writeString(b.host).writeInt32(b.port).writeString(null)),
  );
  if (v >= 2) response.writeString(broker.clusterId);
  return response.writeInt32(broker.nodeId).writeArray(
    encodeEach(names, (name, e) => {
      const topic = broker.topics.get(name);
      e.writeInt16(topic ? ErrorCode.None : ErrorCode.UnknownTopicOrPartition)
        .writeString(name)
        .writeBoolean(false)
        .writeArray(
          encodeEach(topic?.partitions.keys() ?? [], (partition, p) => {
            p.writeInt16(ErrorCode.None).writeInt32(partition).writeInt32(broker.nodeId).writeArray([broker.nodeId]).writeArray([broker.nodeId]);
            if (v >= 5) p.writeArray([]);
          }),
        );
    }),
  );
};

interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Record<string, string | null>;
}

/** v2-v3 (the same layout). Replica assignments are read and ignored: there is one broker. */
export const createTopics: ApiHandler = (body, broker) => {
  const topics = body.readArray((d): CreatableTopic => {
    const name = d.readString() as string;
    const numPartitions = d.readInt32();
    const replicationFactor = d.readInt16();
    d.readArray((a) => [a.readInt32(), a.readArray((r) => r.readInt32())]);
    const configs = Object.fromEntries(d.readArray((c) => [c.readString() as string, c.readString()]));
    return { name, numPartitions, replicationFactor, configs };
  });
  body.readInt32(); // timeoutMs: creation is immediate
  const validateOnly = body.readBoolean();
  const outcomes = topics.map((topic) => {
    const error = creationError(topic, broker.topics.get(topic.name) !== undefined);
    if (!error && !validateOnly) {
      const partitions = topic.numPartitions === -1 ? DEFAULT_PARTITIONS : topic.numPartitions;
      broker.topics.create(topic.name, partitions, topic.configs);
      broker.log(`created topic ${topic.name} with ${partitions} partition(s)`);
    }
    return { name: topic.name, error };
  });
  return newEncoder()
    .writeInt32(NO_THROTTLE)
    .writeArray(
      encodeEach(outcomes, ({ name, error }, e) =>
        e.writeString(name).writeInt16(error?.code ?? ErrorCode.None).writeString(error?.message ?? null),
      ),
    );
};

function creationError(topic: CreatableTopic, exists: boolean): { code: number; message: string } | undefined {
  if (!LEGAL_TOPIC_NAME.test(topic.name)) return { code: ErrorCode.InvalidTopicException, message: `illegal topic name '${topic.name}'` };
  if (exists) return { code: ErrorCode.TopicAlreadyExists, message: `topic '${topic.name}' already exists` };
  if (topic.numPartitions === 0 || topic.numPartitions < -1) {
    return { code: ErrorCode.InvalidPartitions, message: 'number of partitions must be positive' };
  }
  const badConfig = invalidConfig(topic.configs);
  if (badConfig) return { code: ErrorCode.InvalidConfig, message: badConfig };
  if (topic.replicationFactor > 1) {
    return { code: ErrorCode.InvalidReplicationFactor, message: 'a single broker cannot hold more than one replica' };
  }
  return undefined;
}

/** v0-v2 (v1 adds the key type, throttle time and error message). This broker coordinates every group. */
export const findCoordinator: ApiHandler = (body, broker, { apiVersion: v }) => {
  body.readString(); // key
  if (v >= 1) body.readInt8(); // key type
  const response = newEncoder();
  if (v >= 1) response.writeInt32(NO_THROTTLE);
  response.writeInt16(ErrorCode.None);
  if (v >= 1) response.writeString(null);
  return response
    .writeInt32(broker.nodeId)
    .writeString(broker.host)
    .writeInt32(broker.port);
};

const TOPIC_RESOURCE = 2;
const TOPIC_CONFIG_SOURCE = 1;
const DEFAULT_CONFIG_SOURCE = 5;

/** v1-v2 (the same layout): topic resources only; a broker resource gets INVALID_REQUEST. */
export const describeConfigs: ApiHandler = (body, broker) => {
  const resources = body.readArray((r) => ({ type: r.readInt8(), name: r.readString() as string, names: readNullableArray(r, (n) => n.readString() as string) }));
  return newEncoder()
    .writeInt32(NO_THROTTLE)
    .writeArray(
      encodeEach(resources, ({ type, name, names }, e) => {
        const topic = type === TOPIC_RESOURCE ? broker.topics.get(name) : undefined;
        const errorCode = type !== TOPIC_RESOURCE ? ErrorCode.InvalidRequest : topic ? ErrorCode.None : ErrorCode.UnknownTopicOrPartition;
        e.writeInt16(errorCode)
          .writeString(errorCode === ErrorCode.None ? null : `cannot describe ${name}`)
          .writeInt8(type)
          .writeString(name)
          .writeArray(
            encodeEach(topic ? describeTopicConfigs(topic.configs, names) : [], (config, c) =>
              c
                .writeString(config.name)
                .writeString(config.value)
                .writeBoolean(false)
                .writeInt8(config.isTopicConfig ? TOPIC_CONFIG_SOURCE : DEFAULT_CONFIG_SOURCE)
                .writeBoolean(false)
                .writeArray([]),
            ),
          );
      }),
    );
};
