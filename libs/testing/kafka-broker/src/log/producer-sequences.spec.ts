import { ErrorCode } from '../protocol/api-keys';
import { ProducerSequences } from './producer-sequences';

const PRODUCER = 1000n;

describe('ProducerSequences', () => {
  const afterFirstBatch = (): ProducerSequences => {
    const sequences = new ProducerSequences();
    sequences.record(PRODUCER, 0, 0, 5, 0);
    return sequences;
  };

  it('accepts a new producer starting at sequence 0', () => {
    expect(new ProducerSequences().verify(PRODUCER, 0, 0, 5)).toEqual({ kind: 'append' });
  });

  it('rejects a new producer that does not start at sequence 0', () => {
    expect(new ProducerSequences().verify(PRODUCER, 0, 5, 5)).toEqual({ kind: 'reject', errorCode: ErrorCode.OutOfOrderSequenceNumber });
  });

  it('accepts the batch that continues the sequence', () => {
    expect(afterFirstBatch().verify(PRODUCER, 0, 5, 3)).toEqual({ kind: 'append' });
  });

  it('rejects a batch that skips sequence numbers', () => {
    expect(afterFirstBatch().verify(PRODUCER, 0, 6, 3)).toEqual({ kind: 'reject', errorCode: ErrorCode.OutOfOrderSequenceNumber });
  });

  it('answers a retried batch with the offset it was stored at', () => {
    const sequences = afterFirstBatch();
    sequences.record(PRODUCER, 0, 5, 3, 40);
    expect(sequences.verify(PRODUCER, 0, 5, 3)).toEqual({ kind: 'duplicate', baseOffset: 40 });
    expect(sequences.verify(PRODUCER, 0, 0, 5)).toEqual({ kind: 'duplicate', baseOffset: 0 });
  });

  it('rejects a batch from an older epoch and restarts the sequence for a newer one', () => {
    const sequences = new ProducerSequences();
    sequences.record(PRODUCER, 1, 0, 5, 0);
    expect(sequences.verify(PRODUCER, 0, 5, 1)).toEqual({ kind: 'reject', errorCode: ErrorCode.InvalidProducerEpoch });
    expect(sequences.verify(PRODUCER, 2, 0, 1)).toEqual({ kind: 'append' });
    expect(sequences.verify(PRODUCER, 2, 5, 1)).toEqual({ kind: 'reject', errorCode: ErrorCode.OutOfOrderSequenceNumber });
  });

  it('forgets retries older than the last five batches', () => {
    const sequences = new ProducerSequences();
    for (let batch = 0; batch < 6; batch++) sequences.record(PRODUCER, 0, batch, 1, batch);
    expect(sequences.verify(PRODUCER, 0, 0, 1)).toEqual({ kind: 'reject', errorCode: ErrorCode.OutOfOrderSequenceNumber });
    expect(sequences.verify(PRODUCER, 0, 1, 1)).toEqual({ kind: 'duplicate', baseOffset: 1 });
  });
});
