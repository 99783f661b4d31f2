import { lifecycleCell, orderCommandTypes, type LifecycleStatus } from '@ordersource/domain';
import { generateOrders } from './scenario';

const options = { seed: 42, runTag: 'spec', customerId: 'demo-customer' };
const orders = generateOrders(options, 200);

describe('demo scenario generator', () => {
  it('only produces command sequences the lifecycle allows, each answer status among the cell’s results', () => {
    for (const order of orders) {
      let status: LifecycleStatus = null;
      for (const step of order.steps) {
        const cell = lifecycleCell(step.command, status);
        if (!cell.allowed) throw new Error(`order ${order.index} (${order.kind}): ${step.command} in ${status} is ${cell.rule}`);
        expect(cell.resultingStatuses).toContain(step.expect);
        status = step.expect;
      }
      expect(order.expected.status).toBe(status);
    }
  });

  it('keeps amounts within the rules: authorize the total, refund 0 < amount <= captured - refunded', () => {
    for (const order of orders) {
      expect(order.total).toBeGreaterThan(0);
      let refunded = 0;
      for (const step of order.steps) {
        if (step.command === 'AuthorizePayment') expect(step.body.amount).toBe(order.total);
        if (step.command === 'RefundPayment') {
          const amount = Number(step.body.amount);
          expect(amount).toBeGreaterThan(0);
          expect(amount).toBeLessThanOrEqual(order.total - refunded);
          refunded += amount;
        }
        if (step.command === 'RecordCheckpoint') expect(step.agoMinutes).toBeGreaterThanOrEqual(2);
      }
      expect(order.expected.payment.refunded).toBe(order.steps.some((step) => step.command === 'CancelOrder') && order.expected.payment.captured > 0 ? order.total : refunded);
      expect(order.expected.version).toBe(order.steps.reduce((sum, step) => sum + step.events, 0));
    }
  });

  it('is deterministic for a seed; the run tag changes order ids only', () => {
    expect(generateOrders(options, 200)).toEqual(orders);
    const otherRun = generateOrders({ ...options, runTag: 'another run' }, 200);
    const withoutIds = (plans: typeof orders) => JSON.stringify(plans.map((plan) => plan.steps.map((step) => ({ ...step, path: step.path.replace(plan.orderId, ':id'), body: { ...step.body, orderId: undefined } }))));
    expect(withoutIds(otherRun)).toBe(withoutIds(orders));
    expect(otherRun[0].orderId).not.toBe(orders[0].orderId);
    expect(generateOrders({ ...options, seed: 43 }, 200)).not.toEqual(orders);
    expect(new Set(orders.map((order) => order.orderId)).size).toBe(200);
  });

  it('covers every command type and the realistic cases over 200 orders', () => {
    const steps = orders.flatMap((order) => order.steps);
    // CancelUnpaidOrder is the payment deadline's command (no HTTP route): the demo drives the API.
    expect(new Set(steps.map((step) => step.command))).toEqual(new Set(orderCommandTypes.filter((type) => type !== 'CancelUnpaidOrder')));
    const statusBefore = (command: string) =>
      new Set(orders.flatMap((order) => order.steps.flatMap((step, i) => (step.command === command && i > 0 ? [order.steps[i - 1].expect] : [])))); 
    expect(statusBefore('CancelOrder')).toEqual(new Set(['PLACED', 'PAYMENT_FAILED', 'PAYMENT_AUTHORIZED', 'PAID']));
    expect(statusBefore('AuthorizePayment')).toEqual(new Set(['PLACED', 'PAYMENT_FAILED']));
    expect(statusBefore('RefundPayment')).toEqual(new Set(['PAID', 'SHIPPED', 'DELIVERED']));
    const refunds = steps.filter((step) => step.command === 'RefundPayment');
    expect(refunds.some((step) => step.expect === 'REFUNDED')).toBe(true);
    expect(orders.some((order) => order.expected.payment.status === 'PARTIALLY_REFUNDED')).toBe(true);
    const kinds = new Set(steps.filter((step) => step.command === 'RecordCheckpoint').map((step) => step.body.kind));
    expect(kinds).toEqual(new Set(['arrived', 'departed', 'out_for_delivery', 'exception']));
    const lateScan = orders.some((order) => {
      const ago = order.steps.filter((step) => step.command === 'RecordCheckpoint').map((step) => step.agoMinutes ?? 0);
      return ago.some((value, i) => i > 0 && value > ago[i - 1]);
    });
    expect(lateScan).toBe(true);
    expect(steps.some((step) => step.command === 'DeliverOrder' && typeof step.body.receivedBy === 'string')).toBe(true);
    expect(new Set(orders.map((order) => order.currency)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(steps.map((step) => step.role))).toEqual(new Set(['customer', 'operator', 'admin']));
    for (const order of orders) {
      const items = order.steps[0].body.items as unknown[];
      expect(items.length).toBeGreaterThanOrEqual(1);
      expect(items.length).toBeLessThanOrEqual(8);
      if (order.steps[0].role === 'customer') expect(order.customerId).toBe('demo-customer');
    }
  });

  it('uses staff keys only when there is no customer key', () => {
    const staffOnly = generateOrders({ seed: 42 }, 200);
    expect(staffOnly.flatMap((order) => order.steps).some((step) => step.role === 'customer')).toBe(false);
  });
});
