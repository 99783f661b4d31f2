/**
 * The stream heads this process last saw (its own appends, and readStream of a whole stream),
 * so an append at the version its caller loaded can be written in one round trip (append.ts).
 * Only a hint: the append's statement checks the head it assumed, and a stale entry costs one
 * refused attempt before the locked path. Bounded, oldest entries dropped first.
 */
import type { ExpectedVersion } from '../event-store.port';

export interface KnownHead {
  version: number;
  hash: string | null;
  /** recordedAt of the head's event (the stream's updated_at); absent for a new stream. */
  recordedAtMs?: number;
}

const NEW_STREAM: KnownHead = { version: 0, hash: null };

export class HeadCache {
  private readonly heads = new Map<string, KnownHead>();

  constructor(private readonly capacity = 10_000) {}

  /** The head an append with `expected` starts from, when it is known; undefined otherwise. */
  known(streamId: string, expected: ExpectedVersion): KnownHead | undefined {
    if (expected === 'no_stream' || expected === 0) return NEW_STREAM;
    const head = this.heads.get(streamId);
    if (!head || (expected !== 'any' && head.version !== expected)) return undefined;
    return head;
  }

  remember(streamId: string, head: KnownHead): void {
    if (this.capacity <= 0) return;
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value as string);
  }
}
