export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ApiVersions: 18,
  CreateTopics: 19,
  InitProducerId: 22,
  DescribeConfigs: 32,
} as const;

export type ApiKeyName = keyof typeof ApiKey;

export interface VersionRange {
  min: number;
  max: number;
}

/**
 * The versions of each API the broker serves, each with its own request and response layout.
 * The highest is kafkajs 2.2.4's (api-versions.spec.ts fails if kafkajs moves on); the lowest
 * reaches down far enough for librdkafka 2.0 (kcat), which stops at Metadata v4, ListOffsets v2
 * and LeaveGroup v1, and never below what Kafka 4.0 still serves (KIP-896) where the layouts
 * allow it. A client picks the highest version both sides know.
 */
export const API_VERSION_RANGES: Record<ApiKeyName, VersionRange> = {
  Produce: { min: 3, max: 7 },
  Fetch: { min: 4, max: 11 },
  ListOffsets: { min: 1, max: 3 },
  Metadata: { min: 1, max: 6 },
  OffsetCommit: { min: 2, max: 5 },
  OffsetFetch: { min: 1, max: 4 },
  FindCoordinator: { min: 0, max: 2 },
  JoinGroup: { min: 4, max: 5 },
  Heartbeat: { min: 0, max: 3 },
  LeaveGroup: { min: 0, max: 3 },
  SyncGroup: { min: 0, max: 3 },
  DescribeGroups: { min: 0, max: 2 },
  ApiVersions: { min: 0, max: 2 },
  CreateTopics: { min: 2, max: 3 },
  InitProducerId: { min: 0, max: 1 },
  DescribeConfigs: { min: 1, max: 2 },
};

/** Kafka error codes the broker answers with (org.apache.kafka.common.protocol.Errors). */
export const ErrorCode = {
  None: 0,
  OffsetOutOfRange: 1,
  CorruptMessage: 2,
  UnknownTopicOrPartition: 3,
  MessageTooLarge: 10,
  IllegalGeneration: 22,
  InconsistentGroupProtocol: 23,
  UnknownMemberId: 25,
  InvalidSessionTimeout: 26,
  RebalanceInProgress: 27,
  UnsupportedVersion: 35,
  TopicAlreadyExists: 36,
  InvalidPartitions: 37,
  InvalidReplicationFactor: 38,
  InvalidConfig: 40,
  InvalidRequest: 42,
  OutOfOrderSequenceNumber: 45,
  InvalidProducerEpoch: 47,
  UnsupportedForMessageFormat: 43,
  InvalidTopicException: 17,
  MemberIdRequired: 79,
} as const;
