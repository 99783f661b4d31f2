import { JsonObject } from '@ordersource/event-store';

/** Seals personal fields of an event's data before it is appended (issue 3, crypto-shredding). */
export interface PersonalDataSealer {
  sealEventData(customerId: string, eventType: string, data: JsonObject): Promise<JsonObject>;
  /** Opens sealed fields ("[erased]" once the customer was forgotten). */
  openEventData(eventType: string, data: JsonObject): Promise<JsonObject>;
}

export const EVENT_STORE = Symbol('EventStore');
export const NAMED_SEQUENCES = Symbol('NamedSequences');
export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
export const PERSONAL_DATA = Symbol('PersonalDataSealer');
export const COMMAND_SETTINGS = Symbol('CommandSettings');

export interface CommandSettings {
  /** How often a command without If-Match is retried after losing an optimistic-concurrency race. */
  maxConcurrencyRetries: number;
  idempotencyTtlMs: number;
  /**
   * Key of the HMAC over request bodies for Idempotency-Key checks: bodies carry names and
   * addresses, and a plain hash kept in the database would let a reader confirm a guessed one.
   */
  requestHashKey: Buffer;
}
