/**
 * The subscription port's contract, written once and run against every adapter (STYLE.md):
 * the PostgreSQL log, Kafka on the test broker behind the relay, and real Kafka when set.
 */
import { randomUUID } from 'node:crypto';
import { validateEventMessage, type EventMessage } from '@ordersource/contracts';
import type { EventStore } from '@ordersource/event-store';
import { Registry } from 'prom-client';
import type { SubscriptionSource } from './subscription.port';
import { DeliveryLog } from './testing/delivery-log';
import { eventually } from '@ordersource/testing/eventually';
import { appendOrders, checkpointRecorded, newOrderIds } from './testing/order-events';

export interface SubscriptionContractContext {
  store: EventStore;
  /** A source whose metrics go to `registry`. */
  source(registry: Registry): SubscriptionSource;
}

export function subscriptionContract(context: () => SubscriptionContractContext): void {
  const subscriptionName = () => `contract-${randomUUID().slice(0, 8)}`;

  it('delivers every appended event at least once, each order in version order', async () => {
    const { store, source } = context();
    const orders = newOrderIds(20);
    const log = new DeliveryLog(new Set(orders));
    const subscription = await source(new Registry()).subscribe(subscriptionName(), log.handle, { batchSize: 50 });
    try {
      await appendOrders(store, orders, 6, 3);
      await eventually('all 120 events are applied', () => log.appliedCount() === 120);
      expect(log.gaps).toEqual([]);
      for (const orderId of orders) expect(log.applied.get(orderId)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await subscription.stop();
    }
  });

  it('resumes from its checkpoint after a stop, without starting over', async () => {
    const { store, source } = context();
    const name = subscriptionName();
    const [first, second] = [newOrderIds(5), newOrderIds(5)];
    const log = new DeliveryLog(new Set([...first, ...second]));
    let subscription = await source(new Registry()).subscribe(name, log.handle);
    await appendOrders(store, first, 2);
    await eventually('the first orders are applied', () => log.appliedCount() === 10);
    await subscription.stop();
    await appendOrders(store, second, 2);
    subscription = await source(new Registry()).subscribe(name, log.handle);
    try {
      await eventually('the orders appended while stopped are applied', () => log.appliedCount() === 20);
      const firstDeliveries = log.deliveries.filter((e) => first.includes(e.orderId)).length;
      // At-least-once allows the last batch again, never the whole log from the start.
      expect(firstDeliveries).toBeLessThan(20);
    } finally {
      await subscription.stop();
    }
  });

  it('hands over only messages that validate against the published JSON Schemas', async () => {
    const { store, source } = context();
    const orders = newOrderIds(3);
    const log = new DeliveryLog(new Set(orders));
    const subscription = await source(new Registry()).subscribe(subscriptionName(), log.handle);
    try {
      await appendOrders(store, orders, 3);
      await eventually('all 9 events are delivered', () => log.appliedCount() === 9);
      for (const event of log.deliveries) expect(validateEventMessage(JSON.parse(JSON.stringify(event)))).toEqual({ valid: true });
    } finally {
      await subscription.stop();
    }
  });

  it('parks a poison event after N tries, holds its order back while others flow, and replays in order once fixed', async () => {
    const { store, source } = context();
    const [poisoned, healthy] = newOrderIds(2);
    const registry = new Registry();
    const applied: EventMessage[] = [];
    const tries = new Map<number, number>();
    let broken = true;
    const handler = async (batch: readonly EventMessage[]) => {
      for (const event of batch) {
        if (event.orderId !== poisoned && event.orderId !== healthy) continue;
        if (event.orderId === poisoned && event.version === 2 && broken) {
          tries.set(2, (tries.get(2) ?? 0) + 1);
          throw new Error('projection cannot apply v2');
        }
      }
      applied.push(...batch.filter((e) => e.orderId === poisoned || e.orderId === healthy));
    };
    const subscription = await source(registry).subscribe(subscriptionName(), handler, { maxAttempts: 3, retryBackoffMs: 5 });
    try {
      await appendOrders(store, [poisoned, healthy], 2);
      await eventually('the poison event is parked', async () => (await subscription.listParked()).length === 1);
      await store.appendToStream(`order-${poisoned}`, 2, [checkpointRecorded(poisoned, 3)]);
      await store.appendToStream(`order-${healthy}`, 2, [checkpointRecorded(healthy, 3)]);
      await eventually('the healthy order flows on', () => applied.filter((e) => e.orderId === healthy).length >= 3);
      await eventually('the later event waits behind the parked one', async () => (await subscription.listParked()).length === 2);

      const parked = await subscription.listParked();
      expect(parked.map((p) => [p.orderId, p.version, p.waiting])).toEqual([
        [poisoned, 2, false],
        [poisoned, 3, true],
      ]);
      expect(parked[0]).toMatchObject({ attempts: 3, error: expect.stringContaining('cannot apply v2') });
      expect(tries.get(2)).toBeGreaterThanOrEqual(3);
      expect(applied.filter((e) => e.orderId === poisoned).map((e) => e.version)).toEqual([1]);
      expect((await registry.getSingleMetric('ordersource_subscription_parked_orders')?.get())?.values[0]?.value).toBe(1);

      broken = false;
      await expect(subscription.replayParked(poisoned)).resolves.toBe(2);
      expect(applied.filter((e) => e.orderId === poisoned).map((e) => e.version)).toEqual([1, 2, 3]);
      expect(await subscription.listParked()).toEqual([]);
      await store.appendToStream(`order-${poisoned}`, 3, [checkpointRecorded(poisoned, 4)]);
      await eventually('the released order flows again', () => applied.some((e) => e.orderId === poisoned && e.version === 4));
      expect(applied.filter((e) => e.orderId === poisoned).map((e) => e.version)).toEqual([1, 2, 3, 4]);
      expect((await registry.getSingleMetric('ordersource_subscription_parked_orders')?.get())?.values[0]?.value).toBe(0);
    } finally {
      await subscription.stop();
    }
  });
}
