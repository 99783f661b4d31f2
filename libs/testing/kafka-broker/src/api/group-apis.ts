import { ErrorCode } from '../protocol/api-keys';
import { encodeEach, newEncoder } from '../protocol/kafkajs-codec';
import { NO_THROTTLE, type ApiHandler } from './broker-context';

// Static membership (group.instance.id, KIP-345) is read and ignored: every member is dynamic.

/**
 * v4-v5 (v5 adds the group instance id), with the MEMBER_ID_REQUIRED first join (KIP-394);
 * parked until the group rebalances.
 */
export const joinGroup: ApiHandler = async (body, broker, header, connection) => {
  const v = header.apiVersion;
  const groupId = body.readString() as string;
  const sessionTimeout = body.readInt32();
  const rebalanceTimeout = body.readInt32();
  const memberId = body.readString() as string;
  if (v >= 5) body.readString(); // group instance id
  const protocolType = body.readString() as string;
  const protocols = body.readArray((p) => ({ name: p.readString() as string, metadata: p.readBytes() ?? Buffer.alloc(0) }));
  const joined = await broker.groups.group(groupId).join({
    memberId,
    clientId: header.clientId ?? '',
    clientHost: connection.clientHost,
    sessionTimeout,
    rebalanceTimeout,
    protocolType,
    protocols,
    connectionId: connection.id,
  });
  return newEncoder()
    .writeInt32(NO_THROTTLE)
    .writeInt16(joined.errorCode)
    .writeInt32(joined.generationId)
    .writeString(joined.protocolName ?? '')
    .writeString(joined.leaderId)
    .writeString(joined.memberId)
    .writeArray(
      encodeEach(joined.members, (m, e) => {
        e.writeString(m.memberId);
        if (v >= 5) e.writeString(null);
        e.writeBytes(m.metadata);
      }),
    );
};

/** v0-v3 (v1 adds throttle time, v3 the group instance id): the leader hands in the assignment; followers wait for it. */
export const syncGroup: ApiHandler = async (body, broker, { apiVersion: v }, connection) => {
  const groupId = body.readString() as string;
  const generationId = body.readInt32();
  const memberId = body.readString() as string;
  if (v >= 3) body.readString(); // group instance id
  const assignments = body.readArray((a) => ({ memberId: a.readString() as string, assignment: a.readBytes() ?? Buffer.alloc(0) }));
  const group = broker.groups.existingGroup(groupId);
  const synced = group
    ? await group.sync({ memberId, generationId, assignments, connectionId: connection.id })
    : { errorCode: ErrorCode.UnknownMemberId, assignment: Buffer.alloc(0) };
  return withThrottle(v >= 1).writeInt16(synced.errorCode).writeBytes(synced.assignment);
};

/** v0-v3 (v1 adds throttle time, v3 the group instance id): REBALANCE_IN_PROGRESS tells a member to rejoin. */
export const heartbeat: ApiHandler = (body, broker, { apiVersion: v }) => {
  const groupId = body.readString() as string;
  const generationId = body.readInt32();
  const memberId = body.readString() as string;
  const group = broker.groups.existingGroup(groupId);
  const errorCode = group ? group.heartbeat(memberId, generationId) : ErrorCode.UnknownMemberId;
  return withThrottle(v >= 1).writeInt16(errorCode);
};

/**
 * v0-v2 name one member; v3 a batch of members leaves at once. The rest rebalance without
 * waiting for a timeout.
 */
export const leaveGroup: ApiHandler = (body, broker, { apiVersion: v }) => {
  const groupId = body.readString() as string;
  const group = broker.groups.existingGroup(groupId);
  if (v <= 2) {
    const memberId = body.readString() as string;
    return withThrottle(v >= 1).writeInt16(group ? group.leave(memberId) : ErrorCode.UnknownMemberId);
  }
  const members = body.readArray((m) => ({ memberId: m.readString() as string, groupInstanceId: m.readString() }));
  return newEncoder()
    .writeInt32(NO_THROTTLE)
    .writeInt16(ErrorCode.None)
    .writeArray(
      encodeEach(members, ({ memberId, groupInstanceId }, e) =>
        e
          .writeString(memberId)
          .writeString(groupInstanceId)
          .writeInt16(group ? group.leave(memberId) : ErrorCode.UnknownMemberId),
      ),
    );
};

/** v0-v2 (v1 adds throttle time). A group the broker never saw is reported as Dead, like Kafka does. */
export const describeGroups: ApiHandler = (body, broker, { apiVersion: v }) => {
  const groupIds = body.readArray((d) => d.readString() as string);
  return withThrottle(v >= 1)
    .writeArray(
      encodeEach(groupIds, (groupId, e) => {
        const group = broker.groups.existingGroup(groupId);
        e.writeInt16(ErrorCode.None)
          .writeString(groupId)
          .writeString(group?.state ?? 'Dead')
          .writeString(group?.protocolType ?? '')
          .writeString(group?.protocolName ?? '')
          .writeArray(
            encodeEach(group?.members.values() ?? [], (member, m) =>
              m
                .writeString(member.memberId)
                .writeString(member.clientId)
                .writeString(member.clientHost)
                .writeBytes(member.protocols.find((p) => p.name === group?.protocolName)?.metadata ?? Buffer.alloc(0))
                .writeBytes(member.assignment),
            ),
          );
      }),
    );
};

const withThrottle = (hasThrottle: boolean) => (hasThrottle ? newEncoder().writeInt32(NO_THROTTLE) : newEncoder());
