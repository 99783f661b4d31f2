import type { AlertRule, FiringCondition } from '../alert';
import type { PaymentSignals } from '../signals.port';

/** Fewer attempts than this say nothing about a rate (API.md). */
export const MIN_PAYMENT_ATTEMPTS = 20;

/** failed / (failed + authorized) per payment method over the last window, above the rate with enough attempts. */
export function paymentFailureRateRule(payments: PaymentSignals, options: { windowSeconds: number; maxRate: number }): AlertRule {
  return {
    name: 'payment-failure-rate',
    severity: 'critical',
    async evaluate(now) {
      const attempts = await payments.attemptsSince(new Date(now.getTime() - options.windowSeconds * 1000));
      const byMethod = new Map<string | null, { failed: number; total: number }>();
      for (const attempt of attempts) {
        const counts = byMethod.get(attempt.method) ?? { failed: 0, total: 0 };
        counts.total++;
        if (attempt.result === 'failed') counts.failed++;
        byMethod.set(attempt.method, counts);
      }
      const firing: FiringCondition[] = [];
      for (const [method, { failed, total }] of byMethod) {
        const rate = failed / total;
        if (total < MIN_PAYMENT_ATTEMPTS || rate <= options.maxRate) continue;
        firing.push({
          subject: method,
          summary: `${failed} of ${total} payment attempts${method ? ` by ${method}` : ' without a method'} failed in the last ${options.windowSeconds} s (${(rate * 100).toFixed(1)}%).`,
          value: Math.round(rate * 1000) / 1000,
          threshold: options.maxRate,
        });
      }
      return firing;
    },
  };
}
