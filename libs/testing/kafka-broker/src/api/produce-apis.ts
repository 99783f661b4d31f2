import { InvalidRecordBatch, parseRecordBatches } from '../log/record-batch';
import type { AppendResult } from '../log/partition-log';
import { maxMessageBytes } from '../log/topic-configs';
import { ErrorCode } from '../protocol/api-keys';
import { encodeEach, newEncoder } from '../protocol/kafkajs-codec';
import { CLOSE_CONNECTION, NO_RESPONSE } from '../server/connection';
import { NO_THROTTLE, type ApiHandler, type BrokerContext } from './broker-context';

const NO_TIMESTAMP = -1;
const INITIAL_EPOCH = 0;

/** v0-v1 (the same layout). Every call gets a fresh producer id; transactional ids are not remembered. */
export const initProducerId: ApiHandler = (body, broker) => {
  body.readString(); // transactional id
  body.readInt32(); // transaction timeout
  return newEncoder()
    .writeInt32(NO_THROTTLE)
    .writeInt16(ErrorCode.None)
    .writeInt64(broker.topics.allocateProducerId())
    .writeInt16(INITIAL_EPOCH);
};

interface PartitionResult extends AppendResult {
  partition: number;
  logStartOffset: number;
}

/**
 * v3-v7 (v5 adds the log start offset to the response). Appends are synchronous and there are
 * no followers, so acks=-1 is satisfied at once.
 */
export const produce: ApiHandler = (body, broker, { apiVersion: v }) => {
  body.readString(); // transactional id
  const acks = body.readInt16();
  body.readInt32(); // timeout
  const topics = body.readArray((t) => {
    const topic = t.readString() as string;
    const partitions = t.readArray((p): PartitionResult => appendTo(broker, topic, p.readInt32(), p.readBytes()));
    return { topic, partitions };
  });
  broker.topics.notifyAppend();
  if (acks === 0) return NO_RESPONSE;
  if (broker.faults.produceResponsesToDrop > 0) {
    broker.faults.produceResponsesToDrop--;
    broker.log('dropping a produce response (fault injected): the records were appended');
    return CLOSE_CONNECTION;
  }
  return newEncoder()
    .writeArray(
      encodeEach(topics, ({ topic, partitions }, e) =>
        e.writeString(topic).writeArray(
          encodeEach(partitions, (result, p) => {
            p.writeInt32(result.partition).writeInt16(result.errorCode).writeInt64(result.baseOffset).writeInt64(NO_TIMESTAMP);
            if (v >= 5) p.writeInt64(result.logStartOffset);
          }),
        ),
      ),
    )
    .writeInt32(NO_THROTTLE);
};

function appendTo(broker: BrokerContext, topic: string, partition: number, records: Buffer | null): PartitionResult {
  const log = broker.topics.partition(topic, partition);
  const failed = (errorCode: number): PartitionResult => ({ partition, errorCode, baseOffset: -1, logStartOffset: -1 });
  if (!log) return failed(ErrorCode.UnknownTopicOrPartition);
  try {
    const batches = parseRecordBatches(records ?? Buffer.alloc(0));
    if (batches.length === 0) return failed(ErrorCode.CorruptMessage);
    // Kafka compares each batch, as stored (with its 12-byte log overhead), with max.message.bytes.
    const limit = maxMessageBytes(broker.topics.get(topic)?.configs ?? {});
    if (batches.some((batch) => batch.bytes.length > limit)) {
      broker.log(`rejected produce to ${topic}-${partition}: a batch is larger than max.message.bytes ${limit}`);
      return failed(ErrorCode.MessageTooLarge);
    }
    const results = batches.map((batch) => log.append(batch));
    const failure = results.find((result) => result.errorCode !== ErrorCode.None);
    const { errorCode, baseOffset } = failure ?? results[0];
    if (errorCode !== ErrorCode.None) broker.log(`rejected produce to ${topic}-${partition}: error ${errorCode}`);
    if (results.some((result) => result.duplicate)) broker.log(`${topic}-${partition}: retried batch not appended again`);
    return { partition, errorCode, baseOffset, logStartOffset: log.logStartOffset };
  } catch (error) {
    if (error instanceof InvalidRecordBatch) return failed(error.errorCode);
    throw error;
  }
}
