import { createHmac } from 'node:crypto';
import type { Pool } from 'pg';

export const SIGNATURE_HEADER = 'x-ordersource-signature';

/** `sha256=<hex HMAC-SHA256 of the exact body>` (API.md). */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookOptions {
  url: string;
  secret: string;
  /** First retry after this; doubled per attempt up to maxBackoffMs. Default 1000. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per request; default 5000. */
  timeoutMs?: number;
  /** Deliveries sent per call of deliverDue; default 50. */
  batch?: number;
}

interface DueDelivery {
  delivery_id: string;
  body: string;
  attempts: number;
}

/**
 * Sends the outbox of alert changes (alert_deliveries): each is POSTed until a 2xx, at least
 * once, with exponential back-off between failures. A row is marked delivered only after the
 * receiver answered 2xx, so a crash in between sends it again (receivers de-duplicate by
 * alertId + state). Only the active evaluator calls it, so two instances do not race for a row.
 */
export class WebhookSender {
  private readonly base: number;
  private readonly max: number;
  private readonly timeoutMs: number;
  private readonly batch: number;

  constructor(
    private readonly pool: Pool,
    private readonly options: WebhookOptions,
  ) {
    this.base = options.baseBackoffMs ?? 1000;
    this.max = options.maxBackoffMs ?? 5 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.batch = options.batch ?? 50;
  }

  /** Sends what is due, oldest first; returns how many were delivered. */
  async deliverDue(): Promise<number> {
    const { rows } = await this.pool.query<DueDelivery>(
      `SELECT delivery_id, body::text AS body, attempts FROM alert_deliveries WHERE delivered_at IS NULL AND next_attempt_at <= now() ORDER BY delivery_id LIMIT $1`,
      [this.batch],
    );
    let delivered = 0;
    for (const row of rows) {
      const error = await this.post(row.body);
      if (error === null) {
        await this.pool.query('UPDATE alert_deliveries SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE delivery_id = $1', [row.delivery_id]);
        delivered++;
      } else {
        const backoffMs = Math.min(this.max, this.base * 2 ** row.attempts);
        await this.pool.query(
          'UPDATE alert_deliveries SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE delivery_id = $1',
          [row.delivery_id, error.slice(0, 500), backoffMs / 1000],
        );
      }
    }
    return delivered;
  }

  /** null when the receiver answered 2xx, else why not. */
  private async post(body: string): Promise<string | null> {
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(body, this.options.secret) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
