/**
 * Wakes LISTENers on `ordersource_events` after appends commit, outside the append's
 * transaction. A notifying transaction holds a cluster-wide lock through its commit, WAL flush
 * included, which serialised every append (3x slower with 16 writers in store.bench; the
 * Recall.ai write-up "Postgres LISTEN/NOTIFY does not scale", 2025, describes the same lock).
 * Also, a full notify queue fails the COMMIT, which must never fail an append.
 * Notifications are coalesced into one statement per flush. They are wake-up hints only: a
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

  constructor(
    private readonly pool: Pool,
    private readonly onError: (error: unknown) => void = () => undefined,
    /** The projector wakes read-your-writes waits on its own channel (read-models' view progress). */
    private readonly channel: string = NOTIFY_CHANNEL,
  ) {}

  notify(payload: string): void {
    this.pending.push(payload);
    this.flushing ??= this.flush().finally(() => {
      this.flushing = undefined;
    });
  }

  /** Resolves once every notification queued so far was sent (or failed). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_PER_FLUSH);
      const calls = batch.map((payload) => `pg_notify(${lit(this.channel)}, ${lit(payload)})`);
      // Two statements in one simple-protocol message run as one implicit transaction, which SET
      // LOCAL applies to and an error rolls back whole (no explicit BEGIN left open on failure).
      await this.pool.query(`SET LOCAL synchronous_commit TO off; SELECT ${calls.join(', ')}`).catch(this.onError);
    }
  }
}
