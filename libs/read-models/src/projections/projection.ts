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
}

const STREAM_PREFIX = 'order-';

/** The order an event belongs to: its stream is `order-<uuid>`. */
export function orderIdOf(event: Pick<RecordedEvent, 'streamId'>): string {
  if (!event.streamId.startsWith(STREAM_PREFIX)) throw new TypeError(`not an order stream: ${event.streamId}`);
  return event.streamId.slice(STREAM_PREFIX.length);
}

/**
 * The event's data as the domain declares it. Personal fields (shippingAddress, reason,
 * receivedBy) are sealed envelopes at this point, whatever the domain type says: projections
 * copy them as opaque JSON and never look inside.
 */
export type EventData<Type extends OrderEventType> = Extract<OrderEvent, { type: Type }>['data'];

export function dataOf<Type extends OrderEventType>(event: RecordedEvent, _type: Type): EventData<Type> {
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
