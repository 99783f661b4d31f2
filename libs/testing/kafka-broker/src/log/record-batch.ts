import { crc32c } from '../protocol/kafkajs-codec';
import { ErrorCode } from '../protocol/api-keys';

// Record batch v2 (magic 2) header layout, https://kafka.apache.org/documentation/#recordbatch.
// The CRC covers attributes..end, so rewriting the base offset leaves it valid.
const BASE_OFFSET = 0;
const BATCH_LENGTH = 8;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;
const RECORD_COUNT = 57;
const HEADER_SIZE = 61;
const LOG_OVERHEAD = 12; // base offset + batch length, not counted in the batch length

const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export interface RecordBatch {
  bytes: Buffer;
  lastOffsetDelta: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export class InvalidRecordBatch extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidRecordBatch';
  }
}

/**
 * Splits a Produce request's record set into batches and checks what the broker relies on. The
 * records themselves stay opaque bytes (compressed or not); consumers decode them.
 */
export function parseRecordBatches(records: Buffer): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let position = 0;
  while (position < records.length) {
    if (records.length - position < HEADER_SIZE) {
      throw new InvalidRecordBatch(ErrorCode.CorruptMessage, 'truncated record batch header');
    }
    const size = LOG_OVERHEAD + records.readInt32BE(position + BATCH_LENGTH);
    if (position + size > records.length) {
      throw new InvalidRecordBatch(ErrorCode.CorruptMessage, 'record batch longer than the request');
    }
    batches.push(parseBatch(Buffer.from(records.subarray(position, position + size))));
    position += size;
  }
  return batches;
}

function parseBatch(bytes: Buffer): RecordBatch {
  if (bytes.readInt8(MAGIC) !== 2) {
    throw new InvalidRecordBatch(ErrorCode.UnsupportedForMessageFormat, 'only record batch v2 is supported');
  }
  if (crc32c(bytes.subarray(ATTRIBUTES)) !== bytes.readUInt32BE(CRC)) {
    throw new InvalidRecordBatch(ErrorCode.CorruptMessage, 'record batch CRC mismatch');
  }
  const attributes = bytes.readInt16BE(ATTRIBUTES);
  if (attributes & (TRANSACTIONAL_FLAG | CONTROL_FLAG)) {
    throw new InvalidRecordBatch(ErrorCode.InvalidRequest, 'transactional and control batches are not supported');
  }
  return {
    bytes,
    lastOffsetDelta: bytes.readInt32BE(LAST_OFFSET_DELTA),
    maxTimestamp: Number(bytes.readBigInt64BE(MAX_TIMESTAMP)),
    producerId: bytes.readBigInt64BE(PRODUCER_ID),
    producerEpoch: bytes.readInt16BE(PRODUCER_EPOCH),
    baseSequence: bytes.readInt32BE(BASE_SEQUENCE),
    recordCount: bytes.readInt32BE(RECORD_COUNT),
  };
}

/** The broker assigns offsets by writing the batch's base offset; records keep their deltas. */
export function assignBaseOffset(bytes: Buffer, baseOffset: number): void {
  bytes.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET);
}
