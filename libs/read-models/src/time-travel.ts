/**
 * Time travel (GET /orders/{id}/state): the tracking view as it stood after the given events,
 * folded in memory through the order-tracking projection itself, so the past is computed by the
 * same code as the present and can never drift from it.
 */
import type { RecordedEvent } from '@ordersource/event-store';
import type { OrderTrackingDocument } from './projections/order-tracking/order-tracking.projection';
import { evolveTracking } from './projections/order-tracking/order-tracking.projection';
import type { AuditEventDocument } from './projections/audit/audit.projection';
import { orderStreamId } from '@ordersource/domain';

/** An audit entry carries everything the tracking projection reads from an event. */
export type TimeTravelEvent = Pick<RecordedEvent, 'type' | 'version' | 'occurredAt' | 'data'> & { orderId: string };

/**
 * Folds the order's events (audit documents or recorded events, any order) up to the last one
 * given; null when none places the order (before the order existed). The caller selects the
 * events: `version <= asOfVersion`, or `recordedAt <= asOf`.
 */
export function orderStateAt(events: readonly (AuditEventDocument | RecordedEvent | TimeTravelEvent)[]): OrderTrackingDocument | null {
  const sorted = [...events].sort((a, b) => a.version - b.version);
  let state: OrderTrackingDocument | null = null;
  for (const event of sorted) state = evolveTracking(state, asRecordedEvent(event));
  return state;
}

function asRecordedEvent(event: AuditEventDocument | RecordedEvent | TimeTravelEvent): RecordedEvent {
  if ('streamId' in event) return event;
  // Only the fields evolveTracking reads are meaningful; the rest are placeholders.
  return {
    eventId: '',
    streamId: orderStreamId(event.orderId),
    version: event.version,
    position: 'position' in event ? event.position : '0',
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { correlationId: '', causationId: '', actor: '' },
    occurredAt: event.occurredAt,
    recordedAt: 'recordedAt' in event ? event.recordedAt : event.occurredAt,
    hash: '',
    previousHash: null,
  };
}
