/**
 * Test events shaped like the command service's: valid against the contract schemas, with
 * personal fields as (fake) sealed envelopes. Every order is 1 OrderPlaced + n checkpoints.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '@ordersource/event-store';

const sealed = () => ({ $sealed: 1, keyId: randomUUID(), iv: randomBytes(12).toString('base64'), ct: randomBytes(24).toString('base64'), tag: randomBytes(16).toString('base64') });
const metadata = () => ({ correlationId: `corr-${randomUUID()}`, causationId: `req-${randomUUID()}`, actor: 'test' });

export function orderPlaced(orderId: string): NewEvent {
  return {
    type: 'OrderPlaced',
    schemaVersion: 1,
    data: { orderId, customerId: 'customer-1', currency: 'EUR', items: [{ sku: 'sku-1', quantity: 1, unitPrice: 1999 }], total: 1999, shippingAddress: sealed() },
    metadata: metadata(),
    occurredAt: new Date().toISOString(),
  };
}

export function checkpointRecorded(orderId: string, n: number): NewEvent {
  const at = new Date().toISOString();
  return { type: 'ShipmentCheckpointRecorded', schemaVersion: 1, data: { orderId, location: `hub-${n}`, kind: 'arrived', occurredAt: at }, metadata: metadata(), occurredAt: at };
}

/** Appends `eventsPerOrder` events to each order in `appendsPerOrder` appends, orders concurrently. */
export async function appendOrders(store: EventStore, orderIds: string[], eventsPerOrder: number, appendsPerOrder = 1, concurrency = 8): Promise<void> {
  const chunk = Math.ceil(eventsPerOrder / appendsPerOrder);
  const queue = [...orderIds];
  const worker = async () => {
    for (let orderId = queue.shift(); orderId; orderId = queue.shift()) {
      const events = [orderPlaced(orderId), ...Array.from({ length: eventsPerOrder - 1 }, (_, i) => checkpointRecorded(orderId, i + 2))];
      for (let from = 0; from < events.length; from += chunk) await store.appendToStream(`order-${orderId}`, from === 0 ? 'no_stream' : from, events.slice(from, from + chunk));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export const newOrderIds = (count: number): string[] => Array.from({ length: count }, () => randomUUID());
