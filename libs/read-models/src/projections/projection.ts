/**
 * A projection is a pure fold of one order's events into its view: `evolve(head, event)` gives
 * the head document after the event and the record documents the event writes. It never reads
 * a clock or a random source, so a rebuild gives byte-identical documents; versions, duplicates
 * and gaps are the runner's business (projection-runner.ts), not the projection's.
 */
import type { JsonObject, JsonValue, RecordedEvent } from '@ordersource/event-store';
import type { OrderEvent, OrderEventType } from '@ordersource/domain';
import type { RecordDocument, ViewDefinition } from '../store/read-store.port';

export const projectionNames = ['order-tracking', 'payments', 'shipping', 'audit', 'analytics'] as const;
export type ProjectionName = (typeof projectionNames)[number];

export interface ProjectionStep {
  head: JsonObject | null;
  records: RecordDocument[];
}

export interface Projection {
  name: ProjectionName;
  view: ViewDefinition;
  evolve(head: JsonObject | null, event: RecordedEvent): ProjectionStep;
  /**
   * The records a revert removes with the versions it voids (issue 13; ../reverts.ts). The head
   * is restored by the runner for every view; absent: the view keeps its records (audit: the
   * log shows what happened, voided or not).
   */
  voidedRecords?(orderId: string, voidedVersions: readonly number[]): RecordRef[];
}

/** A record by collection and id. */
export interface RecordRef {
  collection: string;
  id: string;
}


/**
 * The event's data as the domain declares it. Personal fields (shippingAddress, reason,
 * receivedBy) are sealed envelopes at this point, whatever the domain type says: projections
 * copy them as opaque JSON and never look inside.
 */
export type EventData<Type extends OrderEventType> = Extract<OrderEvent, { type: Type }>['data'];

export function dataOf<Type extends OrderEventType>(event: Pick<RecordedEvent, 'data'>, _type: Type): EventData<Type> {
  return event.data as unknown as EventData<Type>;
}

/** A personal field as stored: the sealed envelope (or whatever the event carried), untouched. */
export function sealedField(value: unknown): JsonValue {
  return value === undefined ? null : (value as JsonValue);
}

/** Zero-padded so that string order is numeric order in every store. */
export function sortableNumber(value: number | string, width = 20): string {
  return String(value).padStart(width, '0');
}

export function recordId(orderId: string, version: number): string {
  return `${orderId}:${sortableNumber(version, 10)}`;
}
