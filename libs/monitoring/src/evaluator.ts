import { acquireLeadership, type Leadership } from '@ordersource/messaging';
import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';
import { alertRuleNames, type AlertRule } from './alert';
import type { AlertChanges, PostgresAlertStore } from './postgres/alert-store';
import type { WebhookSender } from './webhook/webhook-sender';

export interface EvaluatorLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface AlertEvaluatorOptions {
  /** The database owner's URL, for the leader's own connection (advisory lock). */
  url: string;
  pool: Pool;
  store: PostgresAlertStore;
  rules: readonly AlertRule[];
  /** ALERT_EVAL_INTERVAL_MS. */
  intervalMs: number;
  webhook?: WebhookSender;
  /** Registers `ordersource_alerts_firing{rule}`. */
  registry?: Registry;
  logger?: EvaluatorLogger;
  now?: () => Date;
  /** Advisory lock name; one evaluator per name acts. */
  lockName?: string;
}

const silent: EvaluatorLogger = { info: () => undefined, warn: () => undefined };

/**
 * Evaluates every rule each interval, in exactly one process however many run: the holder of
 * a PostgreSQL advisory lock (libs/messaging leadership, as the relay), with its writes on the
 * lock's own connection, so a leader that lost its connection cannot write after a successor
 * took over. The others wait for the lock, and meanwhile keep their gauge in step with the
 * stored state (a scrape of any instance shows what is firing).
 */
export class AlertEvaluator {
  private running = false;
  private loop?: Promise<void>;
  private leadership?: Leadership;
  private gaugeTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private readonly gauge?: Gauge<'rule'>;
  private readonly logger: EvaluatorLogger;
  private readonly now: () => Date;
  /** Evaluation rounds this instance ran as the leader. */
  evaluations = 0;

  constructor(private readonly options: AlertEvaluatorOptions) {
    this.logger = options.logger ?? silent;
    this.now = options.now ?? (() => new Date());
    if (options.registry) {
      this.gauge = new Gauge({ name: 'ordersource_alerts_firing', help: 'Alerts firing now, by rule', labelNames: ['rule'] as const, registers: [options.registry] });
      for (const rule of alertRuleNames) this.gauge.set({ rule }, 0);
    }
  }

  get isLeader(): boolean {
    return this.leadership !== undefined && !this.leadership.lost;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.lead();
    if (this.gauge) {
      this.gaugeTimer = setInterval(() => void this.refreshGauge().catch(() => undefined), this.options.intervalMs);
      this.gaugeTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    this.wake?.();
    await this.loop;
  }

  /** One round: every rule, then the webhook outbox. Rules that fail keep their alerts as they are. */
  async evaluateOnce(client?: Leadership['client']): Promise<AlertChanges> {
    const now = this.now();
    const all: AlertChanges = { fired: [], resolved: [] };
    for (const rule of this.options.rules) {
      try {
        const holding = await rule.evaluate(now);
        const changes = await this.options.store.apply(rule.name, rule.severity, holding, now, client);
        all.fired.push(...changes.fired);
        all.resolved.push(...changes.resolved);
      } catch (error) {
        if (client && this.leadership?.lost) throw error;
        this.logger.warn({ rule: rule.name, err: error }, 'alert rule could not be evaluated');
      }
    }
    for (const alert of [...all.fired, ...all.resolved]) this.logger.info({ alertId: alert.alertId, rule: alert.rule, subject: alert.subject, state: alert.state }, `alert ${alert.state}`);
    await this.refreshGauge().catch(() => undefined);
    if (this.options.webhook) await this.options.webhook.deliverDue().catch((error: unknown) => this.logger.warn({ err: error }, 'alert webhook delivery failed'));
    return all;
  }

  private async lead(): Promise<void> {
    while (this.running) {
      const leadership = await acquireLeadership({
        url: this.options.url,
        lockName: this.options.lockName ?? 'ordersource-alert-evaluator',
        pollMs: Math.min(1000, this.options.intervalMs),
        isRunning: () => this.running,
      });
      if (!leadership) return;
      this.leadership = leadership;
      this.logger.info({}, 'alert evaluator active (leader)');
      try {
        while (this.running && !leadership.lost) {
          this.evaluations++;
          await this.evaluateOnce(leadership.client);
          await this.sleep(this.options.intervalMs);
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'alert evaluator lost its leadership');
      } finally {
        this.leadership = undefined;
        await leadership.release();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async refreshGauge(): Promise<void> {
    if (!this.gauge) return;
    const counts = await this.options.store.firingCounts();
    for (const rule of alertRuleNames) this.gauge.set({ rule }, counts.get(rule) ?? 0);
  }
}
