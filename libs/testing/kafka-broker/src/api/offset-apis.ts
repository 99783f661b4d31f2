import { ErrorCode } from '../protocol/api-keys';
import { encodeEach, newEncoder, readInt64AsNumber, readNullableArray } from '../protocol/kafkajs-codec';
import { NO_THROTTLE, type ApiHandler } from './broker-context';

const NO_OFFSET = -1;

/**
 * v2-v5 (v2-v4 carry a retention time, ignored; v3 adds throttle time): checked against the
 * member and generation, so a fenced consumer cannot move offsets.
 */
export const offsetCommit: ApiHandler = (body, broker, { apiVersion: v }) => {
  const groupId = body.readString() as string;
  const generationId = body.readInt32();
  const memberId = body.readString() as string;
  if (v <= 4) body.readInt64(); // retention time
  const topics = body.readArray((t) => ({
    topic: t.readString() as string,
    partitions: t.readArray((p) => ({ partition: p.readInt32(), offset: readInt64AsNumber(p), metadata: p.readString() })),
  }));
  const groupError = broker.groups.group(groupId).commitError(memberId, generationId);
  const response = newEncoder();
  if (v >= 3) response.writeInt32(NO_THROTTLE);
  return response
    .writeArray(
      encodeEach(topics, ({ topic, partitions }, e) =>
        e.writeString(topic).writeArray(
          encodeEach(partitions, ({ partition, offset, metadata }, p) => {
            let errorCode: number = groupError;
            if (errorCode === ErrorCode.None && !broker.topics.partition(topic, partition)) {
              errorCode = ErrorCode.UnknownTopicOrPartition;
            }
            if (errorCode === ErrorCode.None) broker.groups.commit(groupId, topic, partition, { offset, metadata });
            p.writeInt32(partition).writeInt16(errorCode);
          }),
        ),
      ),
    );
};

/**
 * v1-v4 (v2 adds the top-level error, v3 throttle time): a null topic list asks for every
 * offset the group committed; missing ones are -1.
 */
export const offsetFetch: ApiHandler = (body, broker, { apiVersion: v }) => {
  const groupId = body.readString() as string;
  const requested = readNullableArray(body, (t) => ({
    topic: t.readString() as string,
    partitions: t.readArray((p) => p.readInt32()),
  }));
  const committed = broker.groups.existingGroup(groupId)?.committed;
  const topics =
    requested ?? [...(committed?.entries() ?? [])].map(([topic, partitions]) => ({ topic, partitions: [...partitions.keys()] }));
  const response = newEncoder();
  if (v >= 3) response.writeInt32(NO_THROTTLE);
  response.writeArray(
      encodeEach(topics, ({ topic, partitions }, e) =>
        e.writeString(topic).writeArray(
          encodeEach(partitions, (partition, p) => {
            const offset = broker.groups.committedOffset(groupId, topic, partition);
            p.writeInt32(partition)
              .writeInt64(offset?.offset ?? NO_OFFSET)
              .writeString(offset?.metadata ?? '')
              .writeInt16(ErrorCode.None);
          }),
        ),
      ),
    );
  if (v >= 2) response.writeInt16(ErrorCode.None);
  return response;
};
