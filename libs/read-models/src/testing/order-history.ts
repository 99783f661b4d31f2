/**
 * Deterministic order histories as the event store records them, for the specs, the contract
 * suite and the benchmark. Personal fields are stand-in sealed envelopes: projections must
 * carry them untouched, and the specs check that nothing opened them.
 */
import type { JsonObject, RecordedEvent } from '@ordersource/event-store';

export const SEALED = (field: string): JsonObject => ({ $sealed: 1, keyId: '00000000-0000-4000-8000-000000000001', iv: 'aXY=', ct: Buffer.from(field).toString('base64'), tag: 'dGFn' });

let positions = 0;

export interface EventOptions {
  occurredAt?: string;
  actor?: string;
  position?: string;
}

export function orderEvent(orderId: string, version: number, type: string, data: JsonObject, options: EventOptions = {}): RecordedEvent {
  positions += 1;
  const occurredAt = options.occurredAt ?? at(version * 60);
  return {
    eventId: `${orderId.slice(0, 8)}-${version}`,
    streamId: `order-${orderId}`,
    version,
    position: options.position ?? String(positions),
    type,
    schemaVersion: 1,
    data: { orderId, ...data },
    metadata: { correlationId: `corr-${orderId.slice(0, 8)}`, causationId: `req-${version}`, actor: options.actor ?? 'operator-1', customerId: 'customer-1', requestedAt: occurredAt },
    occurredAt,
    recordedAt: occurredAt,
    hash: `hash-${orderId.slice(0, 8)}-${version}`,
    previousHash: version === 1 ? null : `hash-${orderId.slice(0, 8)}-${version - 1}`,
  };
}

/** An ISO time `seconds` after a fixed base, so every run builds the same documents. */
export function at(seconds: number, base = Date.UTC(2026, 0, 5, 8, 0, 0)): string {
  return new Date(base + seconds * 1000).toISOString();
}

export function orderUuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/**
 * Placed, authorized, captured, dispatched, four checkpoints recorded out of time order,
 * delivered, partly refunded: 10 events touching every view. `base` shifts its times.
 */
export function deliveredOrderHistory(orderId: string, base = 0, customerId = 'customer-1'): RecordedEvent[] {
  const t = (seconds: number) => at(base + seconds);
  const e = (version: number, type: string, data: JsonObject, seconds: number, occurredAt = t(seconds)) => orderEvent(orderId, version, type, data, { occurredAt });
  return [
    e(1, 'OrderPlaced', { customerId, currency: 'EUR', items: [{ sku: 'SKU-1', name: 'Mug', quantity: 2, unitPrice: 1250 }], total: 2500, shippingAddress: SEALED('address') }, 0),
    e(2, 'PaymentAuthorized', { amount: 2500, method: 'card', paymentId: 'pay-1' }, 60),
    e(3, 'PaymentCaptured', { amount: 2500 }, 120),
    e(4, 'ShipmentDispatched', { carrier: 'DHL', trackingNumber: 'TRK-1', warehouse: 'WH-1' }, 180),
    // Scans arrive late: recorded in the order departed(Hub), arrived(Hub), arrived(Depot), departed(Depot).
    e(5, 'ShipmentCheckpointRecorded', { location: 'Hub', kind: 'departed', occurredAt: t(3600) }, 4000),
    e(6, 'ShipmentCheckpointRecorded', { location: 'Depot', kind: 'arrived', occurredAt: t(7200) }, 7300),
    e(7, 'ShipmentCheckpointRecorded', { location: 'Hub', kind: 'arrived', occurredAt: t(1800) }, 7400),
    e(8, 'ShipmentCheckpointRecorded', { location: 'Depot', kind: 'departed', occurredAt: t(9000) }, 9100),
    e(9, 'OrderDelivered', { receivedBy: SEALED('receivedBy') }, 10800),
    e(10, 'PaymentRefunded', { amount: 500, reason: SEALED('reason'), full: false }, 11000),
  ];
}

/**
 * deliveredOrderHistory without the refund, then reverted to version 4 (dispatched): versions
 * 5-9 (the scans and the delivery) voided. `log` answers readStream over it, as the event store
 * would for a runner that needs the events before a revert.
 */
export function revertedOrderHistory(orderId: string): {
  delivered: RecordedEvent[];
  revert: RecordedEvent;
  history: RecordedEvent[];
  log: { readStream(streamId: string, options?: { fromVersion?: number; toVersion?: number }): Promise<RecordedEvent[]> };
} {
  const delivered = deliveredOrderHistory(orderId).slice(0, 9);
  const revert = orderEvent(orderId, 10, 'OrderReverted', { toVersion: 4, voidedVersions: [5, 6, 7, 8, 9], reason: SEALED('reason') });
  const history = [...delivered, revert];
  const log = {
    readStream: async (_streamId: string, options: { fromVersion?: number; toVersion?: number } = {}) =>
      history.filter((event) => event.version >= (options.fromVersion ?? 1) && event.version <= (options.toVersion ?? Infinity)),
  };
  return { delivered, revert, history, log };
}
