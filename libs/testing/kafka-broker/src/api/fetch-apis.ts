import { ErrorCode } from '../protocol/api-keys';
import { encodeEach, newEncoder, readInt64AsNumber, type WireEncoder } from '../protocol/kafkajs-codec';
import { NO_THROTTLE, type ApiHandler, type BrokerContext } from './broker-context';

const NO_FETCH_SESSION = 0;
const NO_PREFERRED_READ_REPLICA = -1;
const EARLIEST_TIMESTAMP = -2;
const LATEST_TIMESTAMP = -1;

interface PartitionFetch {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: Array<{ topic: string; partitions: PartitionFetch[] }>;
}

interface PartitionData {
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  records: Buffer;
}

/**
 * v4-v11 (v5 adds log start offsets, v7 fetch sessions, v9 leader epochs, v11 the rack and the
 * preferred read replica), long-polling: answered once `minBytes` are available or `maxWaitMs` has passed, woken by
 * appends meanwhile. Fetch sessions (KIP-227) are declined by answering session id 0, which
 * makes every fetch a full fetch, as kafkajs always sends.
 */
export const fetch: ApiHandler = async (body, broker, { apiVersion }, connection) => {
  const request = readFetchRequest(body, apiVersion);
  const deadline = Date.now() + request.maxWaitMs;
  for (;;) {
    const topics = request.topics.map(({ topic }) => ({ topic, partitions: [] as PartitionData[] }));
    let bytes = 0;
    let failed = false;
    request.topics.forEach(({ topic, partitions }, index) => {
      for (const wanted of partitions) {
        const data = readPartition(broker, topic, wanted, request.maxBytes - bytes, bytes === 0);
        bytes += data.records.length;
        failed ||= data.errorCode !== ErrorCode.None;
        topics[index].partitions.push(data);
      }
    });
    const remaining = deadline - Date.now();
    if (bytes >= request.minBytes || failed || remaining <= 0 || connection.closed) return encodeFetchResponse(topics, apiVersion);
    await broker.topics.waitForAppend(remaining);
  }
};

function readFetchRequest(body: Parameters<ApiHandler>[0], v: number): FetchRequest {
  body.readInt32(); // replica id
  const maxWaitMs = body.readInt32();
  const minBytes = body.readInt32();
  const maxBytes = body.readInt32();
  body.readInt8(); // isolation level: there are no transactions, so both levels read the same
  if (v >= 7) {
    body.readInt32(); // session id
    body.readInt32(); // session epoch
  }
  const topics = body.readArray((t) => ({
    topic: t.readString() as string,
    partitions: t.readArray((p): PartitionFetch => {
      const partition = p.readInt32();
      if (v >= 9) p.readInt32(); // current leader epoch
      const fetchOffset = readInt64AsNumber(p);
      if (v >= 5) p.readInt64(); // follower's log start offset
      return { partition, fetchOffset, maxBytes: p.readInt32() };
    }),
  }));
  return { maxWaitMs, minBytes, maxBytes, topics };
}

function readPartition(
  broker: BrokerContext,
  topic: string,
  wanted: PartitionFetch,
  responseBytesLeft: number,
  mustMakeProgress: boolean,
): PartitionData {
  const log = broker.topics.partition(topic, wanted.partition);
  const empty = { partition: wanted.partition, highWatermark: -1, logStartOffset: -1, records: Buffer.alloc(0) };
  if (!log) return { ...empty, errorCode: ErrorCode.UnknownTopicOrPartition };
  const positions = { highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
  if (wanted.fetchOffset < log.logStartOffset || wanted.fetchOffset > log.highWatermark) {
    return { ...empty, ...positions, errorCode: ErrorCode.OffsetOutOfRange };
  }
  const budget = Math.min(wanted.maxBytes, Math.max(responseBytesLeft, 0));
  const records = log.read(wanted.fetchOffset, budget, mustMakeProgress);
  return { ...empty, ...positions, errorCode: ErrorCode.None, records };
}

function encodeFetchResponse(topics: Array<{ topic: string; partitions: PartitionData[] }>, v: number): WireEncoder {
  const response = newEncoder().writeInt32(NO_THROTTLE);
  if (v >= 7) response.writeInt16(ErrorCode.None).writeInt32(NO_FETCH_SESSION);
  return response.writeArray(
    encodeEach(topics, ({ topic, partitions }, e) =>
      e.writeString(topic).writeArray(
        encodeEach(partitions, (data, p) => {
          p.writeInt32(data.partition).writeInt16(data.errorCode).writeInt64(data.highWatermark);
          p.writeInt64(data.highWatermark); // last stable offset: no open transactions
          if (v >= 5) p.writeInt64(data.logStartOffset);
          p.writeArray([]); // aborted transactions
          if (v >= 11) p.writeInt32(NO_PREFERRED_READ_REPLICA);
          p.writeBytes(data.records);
        }),
      ),
    ),
  );
}

/** v1-v3 (v2 adds the isolation level and throttle time): earliest (-2), latest (-1), or the first batch at or after a timestamp. */
export const listOffsets: ApiHandler = (body, broker, { apiVersion: v }) => {
  body.readInt32(); // replica id
  if (v >= 2) body.readInt8(); // isolation level
  const topics = body.readArray((t) => ({
    topic: t.readString() as string,
    partitions: t.readArray((p) => ({ partition: p.readInt32(), timestamp: readInt64AsNumber(p) })),
  }));
  const response = newEncoder();
  if (v >= 2) response.writeInt32(NO_THROTTLE);
  return response
    .writeArray(
      encodeEach(topics, ({ topic, partitions }, e) =>
        e.writeString(topic).writeArray(
          encodeEach(partitions, ({ partition, timestamp }, p) => {
            const log = broker.topics.partition(topic, partition);
            p.writeInt32(partition).writeInt16(log ? ErrorCode.None : ErrorCode.UnknownTopicOrPartition).writeInt64(-1);
            if (!log) p.writeInt64(-1);
            else if (timestamp === EARLIEST_TIMESTAMP) p.writeInt64(log.logStartOffset);
            else if (timestamp === LATEST_TIMESTAMP) p.writeInt64(log.highWatermark);
            else p.writeInt64(log.offsetForTimestamp(timestamp));
          }),
        ),
      ),
    );
};
