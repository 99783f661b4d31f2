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
} as const;

export type ApiKeyName = keyof typeof ApiKey;

/**
 * The one version of each API the broker speaks: kafkajs 2.2.4's highest, so the client runs the
 * code path it runs against Kafka 3.x. api-versions.spec.ts fails if kafkajs moves on.
 * ApiVersions alone also answers v0 and v1, because clients probe it before they know anything.
 */
export const SUPPORTED_API_VERSIONS: Record<ApiKeyName, number> = {
  Produce: 7,
  Fetch: 11,
  ListOffsets: 3,
  Metadata: 6,
  OffsetCommit: 5,
  OffsetFetch: 4,
  FindCoordinator: 2,
  JoinGroup: 5,
  Heartbeat: 3,
  LeaveGroup: 3,
  SyncGroup: 3,
  DescribeGroups: 2,
  ApiVersions: 2,
  CreateTopics: 3,
  InitProducerId: 1,
};

/** Kafka error codes the broker answers with (org.apache.kafka.common.protocol.Errors). */
export const ErrorCode = {
  None: 0,
  OffsetOutOfRange: 1,
  CorruptMessage: 2,
  UnknownTopicOrPartition: 3,
  IllegalGeneration: 22,
  InconsistentGroupProtocol: 23,
  UnknownMemberId: 25,
  RebalanceInProgress: 27,
  UnsupportedVersion: 35,
  TopicAlreadyExists: 36,
  InvalidPartitions: 37,
  InvalidReplicationFactor: 38,
  InvalidRequest: 42,
  OutOfOrderSequenceNumber: 45,
  InvalidProducerEpoch: 47,
  UnsupportedForMessageFormat: 43,
  InvalidTopicException: 17,
  MemberIdRequired: 79,
} as const;
