import { randomUUID } from 'node:crypto';
import type { EventStore, IdempotencyStore, JsonObject, NewEvent, Upcaster } from '../event-store.port';

export interface ContractSubject {
  store: EventStore;
  idempotency: IdempotencyStore;
}

/** Opens a store on the suite's log (shared by the tests, which use their own streams). */
export type OpenContractSubject = (options?: { upcasters?: Upcaster[] }) => Promise<ContractSubject>;

export function newStreamId(): string {
  return `order-${randomUUID()}`;
}

export function newEvent(type = 'OrderPlaced', data: JsonObject = { total: 10 }, extra: Partial<NewEvent> = {}): NewEvent {
  return {
    type,
    schemaVersion: 1,
    data,
    metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: 'user-1' },
    occurredAt: '2026-01-02T03:04:05.678Z',
    ...extra,
  };
}

export function events(count: number, type = 'ItemAdded'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index, sku: `sku-${index}` }));
}
