import { ErrorCode } from '../protocol/api-keys';

/** Kafka keeps the metadata of the last five batches per producer to answer retried ones. */
const RETAINED_BATCHES = 5;
const MAX_SEQUENCE = 2 ** 31 - 1;

interface AppendedBatch {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  lastSequence: number;
  recent: AppendedBatch[];
}

export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'reject'; errorCode: number };

const nextSequence = (sequence: number): number => (sequence === MAX_SEQUENCE ? 0 : sequence + 1);

/**
 * Idempotent-producer bookkeeping for one partition: a batch must continue its producer's
 * sequence; a retry of one of the last five batches is answered with its original offset
 * instead of being appended twice.
 */
export class ProducerSequences {
  private readonly producers = new Map<bigint, ProducerEntry>();

  verify(producerId: bigint, epoch: number, firstSequence: number, recordCount: number): SequenceVerdict {
    const entry = this.producers.get(producerId);
    const lastSequence = lastSequenceOf(firstSequence, recordCount);
    if (entry === undefined || epoch > entry.epoch) {
      return firstSequence === 0 ? { kind: 'append' } : reject(ErrorCode.OutOfOrderSequenceNumber);
    }
    if (epoch < entry.epoch) return reject(ErrorCode.InvalidProducerEpoch);
    const retried = entry.recent.find((batch) => batch.firstSequence === firstSequence && batch.lastSequence === lastSequence);
    if (retried) return { kind: 'duplicate', baseOffset: retried.baseOffset };
    if (firstSequence !== nextSequence(entry.lastSequence)) return reject(ErrorCode.OutOfOrderSequenceNumber);
    return { kind: 'append' };
  }

  record(producerId: bigint, epoch: number, firstSequence: number, recordCount: number, baseOffset: number): void {
    const lastSequence = lastSequenceOf(firstSequence, recordCount);
    const entry = this.producers.get(producerId);
    const recent = entry && entry.epoch === epoch ? entry.recent : [];
    recent.push({ firstSequence, lastSequence, baseOffset });
    if (recent.length > RETAINED_BATCHES) recent.shift();
    this.producers.set(producerId, { epoch, lastSequence, recent });
  }
}

const lastSequenceOf = (firstSequence: number, recordCount: number): number =>
  (firstSequence + recordCount - 1) % (MAX_SEQUENCE + 1);

const reject = (errorCode: number): SequenceVerdict => ({ kind: 'reject', errorCode });
