/**
 * Input rules, checked before any write. JSON is validated strictly because the hash is
 * computed over what PostgreSQL's jsonb will give back: jsonb rejects \u0000 and unpaired
 * surrogates, and JSON.stringify silently drops undefined and turns NaN into null, which would
 * make a stored event's hash unverifiable.
 */
import {
  EmptyAppendError,
  InvalidAppendError,
  InvalidEventError,
  InvalidExpectedVersionError,
  InvalidStreamIdError,
  PayloadTooLargeError,
} from '../errors';
import type { ExpectedVersion, NewEvent } from '../event-store.port';
import { MAX_JSON_DEPTH, canonicalJsonIfStorable, canonicalJsonOfValidated, isPlainObject, isStorableString } from './canonical-json';

export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
const STREAM_ID = /^[A-Za-z0-9._:-]{1,200}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9._:-]{0,199}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Years 1900-9999 only: the stored timestamptz(3) must print back to exactly this text.
const ISO_MILLIS = /^(19|[2-9]\d)\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MAX_SCHEMA_VERSION = 1_000_000;

export function assertStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) throw new InvalidStreamIdError(streamId);
}

export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  const ok = expected === 'no_stream' || expected === 'any' || (Number.isSafeInteger(expected) && (expected as number) >= 0);
  if (!ok) throw new InvalidExpectedVersionError(expected);
}

export interface ValidatedEvent {
  event: NewEvent;
  eventId: string;
}

export function validateEvents(events: unknown, newId: () => string): ValidatedEvent[] {
  return validate(events, newId, undefined);
}

/**
 * validateEvents, and each event's data and metadata as canonical JSON in `texts`. A payload is
 * walked once for both where it is plain (canonicalJsonIfStorable); only one that walk declines
 * is checked by the full walk below, which names the fault, and then canonicalised. The separate
 * check walk was a twentieth of an import's client CPU (issue 12).
 */
export function validateAndCanonicalise(events: unknown, newId: () => string, texts: { data: string; metadata: string }[]): ValidatedEvent[] {
  return validate(events, newId, texts);
}

function validate(events: unknown, newId: () => string, texts: { data: string; metadata: string }[] | undefined): ValidatedEvent[] {
  if (!Array.isArray(events)) throw new InvalidAppendError('invalid_events', 'events must be an array');
  if (events.length === 0) throw new EmptyAppendError();
  const seen = new Set<string>();
  return events.map((raw: unknown, index) => {
    const event = raw as NewEvent;
    if (typeof event !== 'object' || event === null) throw new InvalidEventError(index, 'not an object');
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
      throw new InvalidEventError(index, 'type must be 1-200 characters of [A-Za-z0-9._:-] starting with a letter');
    }
    if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1 || event.schemaVersion > MAX_SCHEMA_VERSION) {
      throw new InvalidEventError(index, 'schemaVersion must be an integer from 1');
    }
    if (!isIsoMillis(event.occurredAt)) throw new InvalidEventError(index, 'occurredAt must be ISO 8601 UTC with milliseconds');
    const eventId = event.eventId ?? newId();
    if (typeof eventId !== 'string' || !UUID.test(eventId)) throw new InvalidEventError(index, 'eventId must be a lower-case UUID');
    if (seen.has(eventId)) throw new InvalidEventError(index, 'eventId repeated in the batch');
    seen.add(eventId);
    if (texts) {
      const data = checkedCanonical(event.data, index, 'data');
      texts.push({ data, metadata: checkedCanonical(event.metadata, index, 'metadata') });
    } else {
      assertJsonObject(event.data, index, 'data');
      assertJsonObject(event.metadata, index, 'metadata');
    }
    for (const field of ['correlationId', 'causationId', 'actor'] as const) {
      if (typeof event.metadata[field] !== 'string') throw new InvalidEventError(index, `metadata.${field} must be a string`);
    }
    return { event, eventId };
  });
}

/** Size of the canonical data+metadata texts, which are exactly what gets stored. */
export function assertPayloadSize(index: number, dataJson: string, metadataJson: string, limit: number): void {
  // Cheap upper bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if ((dataJson.length + metadataJson.length) * 3 <= limit) return;
  const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
  if (bytes > limit) throw new PayloadTooLargeError(index, bytes, limit);
}

/**
 * ISO 8601 UTC with milliseconds that names a real instant: exactly the strings whose
 * `new Date(value).toISOString()` gives them back (validation.spec), checked by the fields'
 * ranges instead, since the Date round trip per event was a tenth of an import's validation.
 */
export function isIsoMillis(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_MILLIS.test(value)) return false;
  // The digits read by their character codes: a slice per field allocated six strings per event.
  const digit = (at: number) => value.charCodeAt(at) - 48;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  return digit(11) * 10 + digit(12) <= 23 && digit(14) * 10 + digit(15) <= 59 && digit(17) * 10 + digit(18) <= 59;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkedCanonical(value: unknown, index: number, field: string): string {
  const text = isPlainObject(value) ? canonicalJsonIfStorable(value) : undefined;
  if (text !== undefined) return text;
  assertJsonObject(value, index, field);
  return canonicalJsonOfValidated(value);
}

function assertJsonObject(value: unknown, index: number, field: string): void {
  if (!isPlainObject(value)) throw new InvalidEventError(index, `${field} must be a JSON object`);
  const fault = jsonFault(value, 0);
  if (fault) throw new InvalidEventError(index, `${field}${fault.path} ${fault.problem}`);
}

/**
 * Where a value breaks the rules above (its path below `value`, and how), or undefined. The path
 * is assembled on the way back from a fault only: building it for every value walked was most of
 * this check's cost on an import's batch.
 */
function jsonFault(value: unknown, depth: number): { path: string; problem: string } | undefined {
  if (depth > MAX_JSON_DEPTH) return { path: '', problem: 'is nested too deep' };
  switch (typeof value) {
    case 'string':
      return isStorableString(value) ? undefined : { path: '', problem: 'has a NUL character or an unpaired surrogate' };
    case 'number':
      return Number.isFinite(value) ? undefined : { path: '', problem: 'is not a finite number' };
    case 'boolean':
      return undefined;
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const fault = jsonFault(value[i], depth + 1);
          if (fault) return { path: `[${i}]${fault.path}`, problem: fault.problem };
        }
        return undefined;
      }
      if (!isPlainObject(value)) return { path: '', problem: 'is not plain JSON' };
      for (const key of Object.keys(value)) {
        if (!isStorableString(key)) return { path: '', problem: 'has a key with a NUL or unpaired surrogate' };
        const fault = jsonFault(value[key], depth + 1);
        if (fault) return { path: `.${key}${fault.path}`, problem: fault.problem };
      }
      return undefined;
    }
    default:
      return { path: '', problem: `is ${typeof value}, not JSON` };
  }
}
