import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@ordersource/event-store';
import type { OrderChangeSet, ReadStore } from '../read-store.port';

/** The adapter under test, opened by the adapter's spec in its beforeAll. */
export type ReadStoreSubject = () => ReadStore;

/** Tests share one database per suite, so each scopes its documents by fresh ids. */
export function freshId(): string {
  return randomUUID();
}

export function trackingHead(orderId: string, customerId: string, placedAt: string, extra: JsonObject = {}): JsonObject {
  return { orderId, customerId, status: 'PLACED', placedAt, version: 1, ...extra };
}

export function placeChange(orderId: string, customerId: string, placedAt: string): OrderChangeSet {
  return { orderId, expectedVersion: 0, version: 1, head: trackingHead(orderId, customerId, placedAt), records: [] };
}

export function isoAt(minute: number): string {
  return new Date(Date.UTC(2026, 1, 1, 0, minute)).toISOString();
}
