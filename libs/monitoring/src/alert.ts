/**
 * Alerts (API.md "Monitoring and alerts"): a rule looks at the system now and names the subjects
 * whose condition holds; the evaluator turns that into durable alerts that fire once per
 * subject and resolve by themselves.
 */

export const alertRuleNames = [
  'order-unpaid',
  'order-unshipped',
  'shipment-stalled',
  'payment-failure-rate',
  'order-volume-anomaly',
  'projection-lagging',
  'events-parked',
  'integrity-broken',
] as const;
export type AlertRuleName = (typeof alertRuleNames)[number];

export type Severity = 'warning' | 'critical';

/** A subject whose condition holds right now. */
export interface FiringCondition {
  /** orderId, payment method, metric or projection; null where the rule has none (a payment failure without a method). */
  subject: string | null;
  summary: string;
  value?: number;
  threshold?: number;
}

export interface AlertRule {
  name: AlertRuleName;
  severity: Severity;
  /** Every subject whose condition holds at `now`; the evaluator compares with what is firing. */
  evaluate(now: Date): Promise<FiringCondition[]>;
}

/** An alert as `GET /alerts` shows it and the webhook receives it. */
export interface Alert {
  alertId: string;
  rule: AlertRuleName;
  severity: Severity;
  state: 'firing' | 'resolved';
  subject: string | null;
  summary: string;
  value?: number;
  threshold?: number;
  firedAt: string;
  resolvedAt?: string;
}
