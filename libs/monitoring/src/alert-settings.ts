import { ConfigError } from '@ordersource/platform';
import type { AlertRule } from './alert';
import { eventsParkedRule, integrityBrokenRule, orderVolumeAnomalyRule, projectionLaggingRule } from './rules/operations-rules';
import { orderUnpaidRule, orderUnshippedRule, shipmentStalledRule } from './rules/order-rules';
import { paymentFailureRateRule } from './rules/payment-failure-rate';
import type { IntegritySignal, OrderSignals, PaymentSignals, ProjectionSignals, VolumeForecast } from './signals.port';

/** The ALERT_* variables of API.md "Monitoring and alerts", with their defaults. */
export interface AlertSettings {
  evalIntervalMs: number;
  unpaidSeconds: number;
  unshippedSeconds: number;
  shipmentStalledSeconds: number;
  paymentWindowSeconds: number;
  paymentFailureRate: number;
  lagSeconds: number;
  integrityCheckIntervalMs: number;
  webhook?: { url: string; secret: string };
}

export function alertSettings(env: Record<string, string | undefined> = process.env): AlertSettings {
  const number = (name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const url = env.ALERT_WEBHOOK_URL?.trim();
  const secret = env.ALERT_WEBHOOK_SECRET;
  if (url) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError(`ALERT_WEBHOOK_URL must be a URL, got "${url}"`);
    }
    if (!secret) throw new ConfigError('ALERT_WEBHOOK_SECRET is required with ALERT_WEBHOOK_URL (the webhook is signed with it)');
  }
  return {
    evalIntervalMs: number('ALERT_EVAL_INTERVAL_MS', 10_000, { min: 10 }),
    unpaidSeconds: number('ALERT_UNPAID_SECONDS', 3600),
    unshippedSeconds: number('ALERT_UNSHIPPED_SECONDS', 172_800),
    shipmentStalledSeconds: number('ALERT_SHIPMENT_STALLED_SECONDS', 259_200),
    paymentWindowSeconds: number('ALERT_PAYMENT_WINDOW_SECONDS', 900, { min: 1 }),
    paymentFailureRate: number('ALERT_PAYMENT_FAILURE_RATE', 0.2, { max: 1 }),
    lagSeconds: number('ALERT_LAG_SECONDS', 60),
    integrityCheckIntervalMs: number('INTEGRITY_CHECK_INTERVAL_MS', 3_600_000, { min: 10 }),
    ...(url && secret ? { webhook: { url, secret } } : {}),
  };
}

export interface AlertSignals {
  orders: OrderSignals;
  payments: PaymentSignals;
  projections: ProjectionSignals;
  integrity: IntegritySignal;
  /** Absent: the volume rule is not evaluated (no forecast plugged in). */
  forecast?: VolumeForecast;
}

export function buildAlertRules(settings: AlertSettings, signals: AlertSignals): AlertRule[] {
  return [
    orderUnpaidRule(signals.orders, settings.unpaidSeconds),
    orderUnshippedRule(signals.orders, settings.unshippedSeconds),
    shipmentStalledRule(signals.orders, settings.shipmentStalledSeconds),
    paymentFailureRateRule(signals.payments, { windowSeconds: settings.paymentWindowSeconds, maxRate: settings.paymentFailureRate }),
    ...(signals.forecast ? [orderVolumeAnomalyRule(signals.forecast)] : []),
    projectionLaggingRule(signals.projections, settings.lagSeconds),
    eventsParkedRule(signals.projections),
    integrityBrokenRule(signals.integrity, settings.integrityCheckIntervalMs),
  ];
}
