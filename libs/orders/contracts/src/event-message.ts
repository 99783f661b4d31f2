/**
 * The Kafka message format of topic `ordersource.orders.v1`: a public API (docs/events.md).
 * One message per stored event, keyed by order id so one order's events share a partition and
 * keep their version order. The value is the stored event as JSON; personal fields stay sealed.
 */
import type { OrderEventType } from '@ordersource/domain';

export const ORDERS_TOPIC = 'ordersource.orders.v1';
export const ORDERS_DLQ_TOPIC = 'ordersource.orders.v1.dlq';

/** Header names; every value is a UTF-8 string. */
export const EventHeaders = {
  eventId: 'event-id',
  type: 'event-type',
  schemaVersion: 'schema-version',
  streamVersion: 'stream-version',
  position: 'position',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
} as const;

export interface EventMessageMetadata {
  correlationId: string;
  causationId: string;
  actor: string;
  [key: string]: unknown;
}

/** The message value: the stored event, plus `orderId` (the stream id without `order-`). */
export interface EventMessage {
  eventId: string;
  streamId: string;
  orderId: string;
  version: number;
  /** bigint as a decimal string; unique, NOT the log's read order. */
  position: string;
  type: OrderEventType | string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMessageMetadata;
  occurredAt: string;
  recordedAt: string;
  hash: string;
  previousHash: string | null;
}

export interface KafkaRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function toKafkaRecord(message: EventMessage): KafkaRecord {
  return {
    key: message.orderId,
    value: JSON.stringify(message),
    headers: {
      [EventHeaders.eventId]: message.eventId,
      [EventHeaders.type]: message.type,
      [EventHeaders.schemaVersion]: String(message.schemaVersion),
      [EventHeaders.streamVersion]: String(message.version),
      [EventHeaders.position]: message.position,
      [EventHeaders.correlationId]: message.metadata.correlationId,
      [EventHeaders.causationId]: message.metadata.causationId,
    },
  };
}
