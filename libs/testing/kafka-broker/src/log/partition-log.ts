import { ErrorCode } from '../protocol/api-keys';
import { ProducerSequences } from './producer-sequences';
import { assignBaseOffset, type RecordBatch } from './record-batch';

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

export interface AppendResult {
  errorCode: number;
  baseOffset: number;
  /** The batch was a retry of one already stored, answered with its original offset. */
  duplicate?: boolean;
}

const NO_PRODUCER_ID = -1n;

/** One partition's log: the produced record batches, kept as bytes with broker-assigned offsets. */
export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  private readonly sequences = new ProducerSequences();
  private endOffset = 0;

  /** Nothing is ever deleted (no retention), so the log always starts at 0. */
  readonly logStartOffset = 0;

  get highWatermark(): number {
    return this.endOffset;
  }

  append(batch: RecordBatch): AppendResult {
    const idempotent = batch.producerId !== NO_PRODUCER_ID;
    if (idempotent) {
      const verdict = this.sequences.verify(batch.producerId, batch.producerEpoch, batch.baseSequence, batch.recordCount);
      if (verdict.kind === 'duplicate') return { errorCode: ErrorCode.None, baseOffset: verdict.baseOffset, duplicate: true };
      if (verdict.kind === 'reject') return { errorCode: verdict.errorCode, baseOffset: -1 };
    }
    const baseOffset = this.endOffset;
    assignBaseOffset(batch.bytes, baseOffset);
    const lastOffset = baseOffset + batch.lastOffsetDelta;
    this.batches.push({ baseOffset, lastOffset, maxTimestamp: batch.maxTimestamp, bytes: batch.bytes });
    this.endOffset = lastOffset + 1;
    if (idempotent) {
      this.sequences.record(batch.producerId, batch.producerEpoch, batch.baseSequence, batch.recordCount, baseOffset);
    }
    return { errorCode: ErrorCode.None, baseOffset };
  }

  /**
   * Whole batches from the one holding `fetchOffset`, as a real broker returns them (the client
   * skips records before its offset). The first batch is returned even when larger than
   * `maxBytes` if `mustMakeProgress`, so a consumer never gets stuck behind a big batch.
   */
  read(fetchOffset: number, maxBytes: number, mustMakeProgress: boolean): Buffer {
    const chunks: Buffer[] = [];
    let size = 0;
    for (let index = this.indexOfBatchContaining(fetchOffset); index < this.batches.length; index++) {
      const { bytes } = this.batches[index];
      const fitsAnyway = mustMakeProgress && chunks.length === 0;
      if (size + bytes.length > maxBytes && !fitsAnyway) break;
      chunks.push(bytes);
      size += bytes.length;
    }
    return Buffer.concat(chunks);
  }

  /** The first offset whose batch may hold a record at or after `timestamp` (ListOffsets). */
  offsetForTimestamp(timestamp: number): number {
    const batch = this.batches.find((candidate) => candidate.maxTimestamp >= timestamp);
    return batch ? batch.baseOffset : this.endOffset;
  }

  private indexOfBatchContaining(offset: number): number {
    let low = 0;
    let high = this.batches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.batches[middle].lastOffset < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
