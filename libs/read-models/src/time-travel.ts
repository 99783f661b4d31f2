/**
 * Time travel (GET /orders/{id}/state): the tracking view as it stood after the given events,
 * folded in memory through the order-tracking projection's own evolve, so the past is computed
 * by the same code as the present and can never drift from it. Audit entries carry everything
 * that evolve reads, so nothing is dressed up as a stored event (issue 11).
 */
import type { RecordedEvent } from '@ordersource/event-store';
import { orderIdOf } from '@ordersource/domain';
import { foldWithReverts } from './reverts';
import type { AuditEventDocument } from './projections/audit/audit.projection';
import { evolveTracking, type OrderTrackingDocument, type TrackedEvent } from './projections/order-tracking/order-tracking.projection';

/** An audit entry or any event that says which order it belongs to. */
export type TimeTravelEvent = TrackedEvent;

/**
 * Folds the order's events (audit documents or recorded events, any order) up to the last one
 * given; null when none places the order (before the order existed). The caller selects the
 * events: `version <= asOfVersion`, or `recordedAt <= asOf`.
 */
export function orderStateAt(events: readonly (AuditEventDocument | RecordedEvent | TimeTravelEvent)[]): OrderTrackingDocument | null {
  // A revert in the selection restores the state at its target (issue 13); a selection that
  // ends before a revert shows what was believed then.
  const tracked = events.map((event): TrackedEvent => ('orderId' in event ? event : { ...event, orderId: orderIdOf(event.streamId) }));
  return foldWithReverts(tracked, evolveTracking);
}
