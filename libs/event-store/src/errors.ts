/**
 * Typed errors of the event store port. Every input error is an InvalidAppendError (or a
 * subclass) and is thrown before anything is written.
 */
import type { ExpectedVersion } from './event-store.port';

export class EventStoreError extends Error {
  override name = 'EventStoreError';
}

/** The stream's version was not the expected one; nothing was written. */
export class WrongExpectedVersionError extends EventStoreError {
  override name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/** Bad input to an append (or a read); `code` says which rule. */
export class InvalidAppendError extends EventStoreError {
  override name = 'InvalidAppendError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class EmptyAppendError extends InvalidAppendError {
  override name = 'EmptyAppendError';
  constructor() {
    super('empty_append', 'an append needs at least one event');
  }
}

export class InvalidExpectedVersionError extends InvalidAppendError {
  override name = 'InvalidExpectedVersionError';
  constructor(readonly expected: unknown) {
    super('invalid_expected_version', `expected version must be a non-negative integer, 'no_stream' or 'any', got ${safeString(expected)}`);
  }
}

export class InvalidStreamIdError extends InvalidAppendError {
  override name = 'InvalidStreamIdError';
  constructor(readonly streamId: unknown) {
    super('invalid_stream_id', `stream id must be 1-200 characters of [A-Za-z0-9._:-], got ${safeString(streamId)}`);
  }
}

export class PayloadTooLargeError extends InvalidAppendError {
  override name = 'PayloadTooLargeError';
  constructor(
    readonly index: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super('payload_too_large', `event ${index}: data+metadata is ${bytes} bytes, the limit is ${limit}`);
  }
}

/** A malformed event: type, schema version, timestamps, ids, metadata or non-JSON data. */
export class InvalidEventError extends InvalidAppendError {
  override name = 'InvalidEventError';
  constructor(
    readonly index: number,
    reason: string,
  ) {
    super('invalid_event', `event ${index}: ${reason}`);
  }
}

/** An event id that is already in the log (a re-sent event); nothing was written. */
export class DuplicateEventIdError extends InvalidAppendError {
  override name = 'DuplicateEventIdError';
  constructor(readonly streamId: string) {
    super('duplicate_event_id', `an event appended to ${streamId} has an id that is already in the log`);
  }
}

export class InvalidCursorError extends InvalidAppendError {
  override name = 'InvalidCursorError';
  constructor(cursor: unknown) {
    super('invalid_cursor', `not a cursor of this store: ${safeString(cursor)}`);
  }
}

/** The idempotency key was used before with another request body. */
export class IdempotencyKeyReusedError extends EventStoreError {
  override name = 'IdempotencyKeyReusedError';
  constructor(
    readonly scope: string,
    readonly key: string,
  ) {
    super(`idempotency key ${key} (scope ${scope}) was already used with another request`);
  }
}

function safeString(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
