/**
 * Wakes LISTENers on `ordersource_events` after appends commit, outside the append's
 * transaction. A notifying transaction holds a cluster-wide lock through its commit, WAL flush
 * included, which serialised every append (3x slower with 16 writers in store.bench; the
 * Recall.ai write-up "Postgres LISTEN/NOTIFY does not scale", 2025, describes the same lock).
 * Also, a full notify queue fails the COMMIT, which must never fail an append.
 * Notifications are coalesced into one statement per flush, and flushes are at least
 * `minIntervalMs` apart (the first after a pause goes at once): each flush is a round trip and a
 * server transaction, which for sequential appends, one flush each, cost about as much CPU as
 * the append itself (issue 18). They are wake-up hints only: a
 * listener also polls readAll, since a crash between commit and notify loses the hint -- so the
 * notifying transaction commits without waiting for its WAL flush (synchronous_commit off, for
 * that transaction only): a notify takes an xid and so a commit record, and flushing it doubled
 * the fsyncs of sequential appends.
 */
import type { Pool } from 'pg';
import { sqlLiteral as lit } from './sql-literal';

export const NOTIFY_CHANNEL = 'ordersource_events';
const MAX_PER_FLUSH = 200;

export class Notifier {
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;
  private lastFlushAt = -Infinity;
  /** While drained() waits, flushes skip the interval; `hurry` ends one already waiting. */
  private draining = 0;
  private hurry: (() => void) | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly onError: (error: unknown) => void = () => undefined,
    /** The projector wakes read-your-writes waits on its own channel (read-models' view progress). */
    private readonly channel: string = NOTIFY_CHANNEL,
    /** Least time between two flushes' starts, in ms; 0 starts one as soon as the previous ended. */
    private readonly minIntervalMs = 0,
  ) {}

  notify(payload: string): void {
    this.pending.push(payload);
    this.flushing ??= this.flush().finally(() => {
      this.flushing = undefined;
    });
  }

  /** Sends what is queued without waiting out the interval; resolves once all of it was sent (or failed). */
  async drained(): Promise<void> {
    this.draining++;
    try {
      while (this.flushing) {
        this.hurry?.();
        await this.flushing;
      }
    } finally {
      this.draining--;
    }
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const wait = this.lastFlushAt + this.minIntervalMs - performance.now();
      if (wait > 0 && this.draining === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.hurry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.hurry = undefined;
      }
      this.lastFlushAt = performance.now();
      const batch = this.pending.splice(0, MAX_PER_FLUSH);
      const calls = batch.map((payload) => `pg_notify(${lit(this.channel)}, ${lit(payload)})`);
      // Two statements in one simple-protocol message run as one implicit transaction, which SET
      // LOCAL applies to and an error rolls back whole (no explicit BEGIN left open on failure).
      await this.pool.query(`SET LOCAL synchronous_commit TO off; SELECT ${calls.join(', ')}`).catch(this.onError);
    }
  }
}
