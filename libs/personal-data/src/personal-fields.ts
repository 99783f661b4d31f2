import type { OrderEvent, OrderEventType } from '@ordersource/domain';

/**
 * The one table of which event fields hold personal data (names, addresses, free text a person
 * typed). Only these are sealed; everything else stays readable forever because projections,
 * audits and the hash chain need it. A new personal field is added here AND needs a new event
 * schema version: events already stored keep the plaintext they were written with.
 */
export const personalFields = {
  OrderPlaced: ['shippingAddress'],
  PaymentAuthorized: [],
  PaymentFailed: ['reason'],
  PaymentCaptured: [],
  ShipmentDispatched: [],
  ShipmentCheckpointRecorded: [],
  OrderDelivered: ['receivedBy'],
  OrderCancelled: ['reason'],
  PaymentRefunded: ['reason'],
  OrderReverted: ['reason'],
} as const satisfies { [T in OrderEventType]: readonly (keyof EventData<T> & string)[] };

export type EventData<T extends OrderEventType> = Extract<OrderEvent, { type: T }>['data'];
export type PersonalField<T extends OrderEventType> = (typeof personalFields)[T][number];

/** The personal fields of an event type; none for a type this table does not know. */
export function personalFieldsOf(eventType: string): readonly string[] {
  return Object.hasOwn(personalFields, eventType) ? personalFields[eventType as OrderEventType] : [];
}
