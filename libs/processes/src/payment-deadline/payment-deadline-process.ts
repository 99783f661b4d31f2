/**
 * The payment deadline process manager (API.md "Deadlines", issue 13).
 *
 * Two halves, both durable in PostgreSQL:
 * - the feeder, a log subscription like the projections' (one active reader cluster-wide,
 *   at-least-once, checkpointed), turns OrderPlaced into a `payment_deadlines` row due
 *   `timeoutSeconds` after the order was placed, and PaymentAuthorized / OrderCancelled into a
 *   settled row. Every write is idempotent, so a redelivered batch changes nothing.
 * - the worker, on every instance, takes due rows under a short lease (`FOR UPDATE SKIP
 *   LOCKED` in an autocommit statement: no transaction stays open while a command runs, which
 *   would hold back every log reader's snapshot) and asks the decider to cancel.
 *
 * Exactly once: the timer only asks. The decider refuses a second cancellation and any order
 * whose payment was authorized, two concurrent asks are serialised by the stream's expected
 * version, and each ask carries the same idempotency key. A crash after the append but before
 * the row is settled only means the lease runs out and the next ask is answered "already
 * cancelled": at most a repeated question, never a repeated event.
 */
import { hostname } from 'node:os';
import type { EventMessage, Subscription, SubscriptionSource } from '@ordersource/messaging';
import type { Pool } from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';

export const PAYMENT_TIMEOUT_REASON = 'payment-timeout';
export const PAYMENT_TIMEOUT_ACTOR = 'system:payment-timeout';
export const PAYMENT_DEADLINE_SUBSCRIPTION = 'process.payment-deadline';

export type CancelOutcome = { outcome: 'cancelled' } | { outcome: 'refused'; rule: string };

/** The command side, as the process sees it: one question, answered by the decider. */
export interface DeadlineCommands {
  cancelUnpaidOrder(orderId: string, request: { reason: string; actor: string; idempotencyKey: string; correlationId: string }): Promise<CancelOutcome>;
}

export interface PaymentDeadlineOptions {
  /** The event store's pool (acts as ordersource_app). */
  pool: Pool;
  source: SubscriptionSource;
  commands: DeadlineCommands;
  timeoutSeconds: number;
  /** How often the worker looks for due deadlines; default 1000 ms. */
  pollMs?: number;
  /** How long a claimed deadline is this instance's before another may take it; default 30 s. */
  leaseMs?: number;
  /** Deadlines claimed per tick; default 50. */
  batchSize?: number;
  /** Asks in flight at once; default 4. */
  concurrency?: number;
  instanceId?: string;
  registry?: Registry;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

interface Claimed {
  order_id: string;
}

export class PaymentDeadlineProcess {
  private subscription: Subscription | undefined;
  private running = false;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private readonly instanceId: string;
  private readonly metrics: ReturnType<typeof deadlineMetrics>;

  constructor(private readonly options: PaymentDeadlineOptions) {
    if (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds < 1) throw new Error('timeoutSeconds must be a positive integer');
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
    this.metrics = deadlineMetrics(options.registry);
  }

  async start(): Promise<void> {
    this.running = true;
    this.subscription = await this.options.source.subscribe(PAYMENT_DEADLINE_SUBSCRIPTION, (batch) => this.feed(batch));
    this.loop = this.work();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    await this.subscription?.stop();
    await this.loop;
  }

  /** The feeder: idempotent writes, in the batch's order (one order's events arrive in version order). */
  async feed(batch: readonly EventMessage[]): Promise<void> {
    for (const event of batch) {
      if (event.type === 'OrderPlaced') {
        await this.options.pool.query(
          `INSERT INTO payment_deadlines (order_id, placed_at, due_at, state)
           VALUES ($1, $2::timestamptz, $2::timestamptz + make_interval(secs => $3), 'pending') ON CONFLICT (order_id) DO NOTHING`,
          [event.orderId, event.occurredAt, this.options.timeoutSeconds],
        );
      } else if (event.type === 'PaymentAuthorized' || event.type === 'OrderCancelled') {
        await this.options.pool.query(
          `UPDATE payment_deadlines SET state = $2, outcome = $3, settled_at = now(), claimed_by = NULL, claimed_until = NULL
           WHERE order_id = $1 AND state = 'pending'`,
          [event.orderId, event.type === 'PaymentAuthorized' ? 'paid' : 'closed', `${event.type} at version ${event.version}`],
        );
      }
    }
  }

  /** One worker pass: claim what is due, ask, settle. Exposed for tests; the loop calls it. */
  async tick(): Promise<number> {
    const { rows } = await this.options.pool.query<Claimed>(
      `UPDATE payment_deadlines SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2::double precision / 1000), attempts = attempts + 1
       WHERE order_id IN (
         SELECT order_id FROM payment_deadlines
         WHERE state = 'pending' AND due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING order_id`,
      [this.instanceId, this.options.leaseMs ?? 30_000, this.options.batchSize ?? 50],
    );
    const queue = [...rows];
    const worker = async () => {
      // Once stopping, the rest stay claimed until their lease runs out; another instance takes them.
      for (let claimed = queue.shift(); claimed && !this.stopping; claimed = queue.shift()) await this.ask(claimed.order_id);
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? 4 }, worker));
    await this.observe();
    return rows.length;
  }

  private async ask(orderId: string): Promise<void> {
    try {
      const answer = await this.options.commands.cancelUnpaidOrder(orderId, {
        reason: PAYMENT_TIMEOUT_REASON,
        actor: PAYMENT_TIMEOUT_ACTOR,
        // The same key on every ask: a repeat after a crash is answered from the first append.
        idempotencyKey: `payment-deadline:${orderId}`,
        correlationId: `payment-deadline:${orderId}`,
      });
      const [state, outcome] = answer.outcome === 'cancelled' ? ['cancelled', 'cancelled'] : ['refused', answer.rule];
      await this.options.pool.query(
        `UPDATE payment_deadlines SET state = $3, outcome = $4, settled_at = now(), claimed_until = NULL, last_error = NULL
         WHERE order_id = $1 AND state = 'pending' AND claimed_by = $2`,
        [orderId, this.instanceId, state, outcome],
      );
      this.metrics.outcomes.inc({ outcome: answer.outcome === 'cancelled' ? 'cancelled' : `refused:${answer.rule}` });
    } catch (error) {
      // Left pending: the lease runs out and the next tick (here or elsewhere) asks again.
      this.metrics.outcomes.inc({ outcome: 'error' });
      this.options.log?.('payment deadline ask failed; will retry after the lease', { orderId, error: String(error) });
      await this.options.pool.query('UPDATE payment_deadlines SET last_error = $2 WHERE order_id = $1', [orderId, String(error).slice(0, 500)]).catch(() => undefined);
    }
  }

  private async observe(): Promise<void> {
    const { rows } = await this.options.pool.query<{ due: string; pending: string; lag: number | null }>(
      `SELECT count(*) FILTER (WHERE due_at <= now()) AS due, count(*) AS pending,
         EXTRACT(EPOCH FROM now() - min(due_at) FILTER (WHERE due_at <= now()))::float8 AS lag
       FROM payment_deadlines WHERE state = 'pending'`,
    );
    this.metrics.due.set(Number(rows[0].due));
    this.metrics.pending.set(Number(rows[0].pending));
    this.metrics.lag.set(rows[0].lag ?? 0);
  }

  private async work(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.tick();
      } catch (error) {
        this.options.log?.('payment deadline tick failed', { error: String(error) });
      }
      // A full batch means more may be due: go again at once.
      if (claimed >= (this.options.batchSize ?? 50) || !this.running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 1000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

function deadlineMetrics(registry?: Registry) {
  const registers = registry ? [registry] : [];
  return {
    due: new Gauge({ name: 'ordersource_payment_deadlines_due', help: 'Unpaid orders whose payment deadline has passed and that are not settled yet', registers }),
    pending: new Gauge({ name: 'ordersource_payment_deadlines_pending', help: 'Payment deadlines not settled yet (due or not)', registers }),
    lag: new Gauge({ name: 'ordersource_payment_deadline_lag_seconds', help: 'How long the oldest due, unsettled payment deadline is overdue', registers }),
    outcomes: new Counter({ name: 'ordersource_payment_deadline_outcomes_total', help: 'Asks of the decider by outcome', labelNames: ['outcome'] as const, registers }),
  };
}
