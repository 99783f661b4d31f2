import type { AlertRule, AlertRuleName, FiringCondition } from '../alert';
import type { OrderSignals } from '../signals.port';

/** An order that stays in one of `statuses` longer than `seconds` (API.md: order-unpaid, order-unshipped, shipment-stalled). */
function waitingRule(name: AlertRuleName, statuses: readonly string[], seconds: number, what: string, orders: OrderSignals): AlertRule {
  return {
    name,
    severity: 'warning',
    async evaluate(now) {
      const waiting = await orders.waitingOrders(statuses, new Date(now.getTime() - seconds * 1000));
      return waiting.map(
        (order): FiringCondition => {
          const waited = Math.floor((now.getTime() - Date.parse(order.since)) / 1000);
          return { subject: order.orderId, summary: `Order ${order.orderId} ${what} for ${waited} s (${order.status} since ${order.since}).`, value: waited, threshold: seconds };
        },
      );
    },
  };
}

export const orderUnpaidRule = (orders: OrderSignals, seconds: number) => waitingRule('order-unpaid', ['PLACED', 'PAYMENT_FAILED'], seconds, 'is unpaid', orders);
export const orderUnshippedRule = (orders: OrderSignals, seconds: number) => waitingRule('order-unshipped', ['PAID'], seconds, 'is paid but not shipped', orders);
export const shipmentStalledRule = (orders: OrderSignals, seconds: number) => waitingRule('shipment-stalled', ['SHIPPED'], seconds, 'has had no scan or delivery', orders);
