import { type EventMessage } from '@ordersource/contracts';
import { orderIdOf } from '@ordersource/domain';
import type { RecordedEvent } from '@ordersource/event-store';

/** The published form of a stored event: the stored fields as they are (sealed), plus orderId. */
export function toEventMessage(event: RecordedEvent): EventMessage {
  return {
    eventId: event.eventId,
    streamId: event.streamId,
    orderId: orderIdOf(event.streamId),
    version: event.version,
    position: event.position,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    hash: event.hash,
    previousHash: event.previousHash,
  };
}

/**
 * Puts each order's events of a batch in version order, in the slots they already hold. The
 * log's order is by committing transaction, and two appends to one stream can take their
 * transaction ids in the opposite order of their versions (see the issue 5 note), so one page
 * of readAll can hold v6 before v5; other orders keep their places.
 */
export function inVersionOrderPerOrder<T extends { orderId: string; version: number }>(batch: readonly T[]): T[] {
  const slots = new Map<string, number[]>();
  batch.forEach((event, index) => {
    const list = slots.get(event.orderId);
    if (list) list.push(index);
    else slots.set(event.orderId, [index]);
  });
  const result = [...batch];
  for (const indexes of slots.values()) {
    if (indexes.length < 2) continue;
    const sorted = indexes.map((i) => batch[i]).sort((a, b) => a.version - b.version);
    indexes.forEach((slot, k) => (result[slot] = sorted[k]));
  }
  return result;
}
