import { NO_CONTROL_CHARS } from '@ordersource/contracts';
import Ajv, { ErrorObject, JSONSchemaType, Schema } from 'ajv';
import addFormats from 'ajv-formats';
import { isoFormats } from './iso-codes';
import { FieldError, problems } from './problem';

/**
 * Request validation at the edge (STYLE.md "The edges"): one JSON Schema per route body and
 * query, compiled once by ajv. Strings are trimmed first (API.md limits are on trimmed
 * length); unknown fields are errors, never silently dropped.
 */
// `discriminator`: a list of tagged shapes (the import's steps) checks each item against its own shape only.
const bodies = new Ajv({ allErrors: true, strict: true, useDefaults: false, discriminator: true });
const queries = new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true });
addFormats(bodies);
addFormats(queries);
for (const ajv of [bodies, queries]) {
  // ajv-formats' date-time accepts year 0000, which PostgreSQL refuses (issue 17: a 500 on
  // checkpoint/deliver `occurredAt`); a timestamp here is one a store can keep.
  ajv.addFormat('date-time', { type: 'string', validate: storableDateTime });
  for (const [name, validate] of Object.entries(isoFormats)) ajv.addFormat(name, { type: 'string', validate });
}

const dateTimeFormat = addFormats.get('date-time', 'full');
/** An RFC 3339 date-time (ajv-formats, full) in years 0001-9999 that Date can read. */
export function storableDateTime(value: string): boolean {
  if (isUtcMillis(value)) return true;
  const check = typeof dateTimeFormat === 'function' ? dateTimeFormat : (dateTimeFormat as { validate: (v: string) => boolean }).validate;
  if (!check(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= 1 && Number.isFinite(Date.parse(value));
}

/**
 * The form nearly every timestamp takes (`toISOString()`'s): UTC with milliseconds, checked by its
 * digits' ranges without a match array or Date. Every string it accepts, the full check above
 * accepts too (request-schema.spec.ts); the rest go to the full check. On an import's lines the
 * full check was a twentieth of the client's time (issue 12).
 */
const UTC_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
function isUtcMillis(value: string): boolean {
  if (value.length !== 24 || !UTC_MILLIS.test(value)) return false;
  const digit = (at: number) => value.charCodeAt(at) - 48;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days && digit(11) * 10 + digit(12) <= 23 && digit(14) * 10 + digit(15) <= 59 && digit(17) * 10 + digit(18) <= 59;
}

/** The API's text rule belongs to the request contract; named here to tell its errors apart. */
export { NO_CONTROL_CHARS };

export type Validator<T> = (input: unknown) => T;

export function bodyValidator<T>(schema: JSONSchemaType<T> | Schema): Validator<T> {
  const validate = bodies.compile<T>(schema as Schema);
  return (input) => {
    const value = trimStrings(input === undefined || input === null || input === '' ? {} : input);
    if (!validate(value)) throw problems.invalidRequest(fieldErrors(validate.errors ?? []));
    return value as T;
  };
}

/** Query strings: scalars coerced from text; a repeated parameter must be declared as an array. */
export function queryValidator<T>(schema: JSONSchemaType<T> | Schema): Validator<T> {
  const validate = queries.compile<T>(schema as Schema);
  return (input) => {
    const value = { ...((input ?? {}) as Record<string, unknown>) };
    if (!validate(value)) throw problems.invalidRequest(fieldErrors(validate.errors ?? []), 'The query is not valid; see errors.');
    // ajv coerces `1e400` to Infinity and then lets it pass `integer` and `maximum` (issue 17, found
    // by the fuzz suite: `GET /alerts?limit=1e400` answered 500); no query value may be infinite.
    const infinite = Object.entries(value).filter(([, inner]) => (Array.isArray(inner) ? inner : [inner]).some((item) => typeof item === 'number' && !Number.isFinite(item)));
    if (infinite.length > 0) throw problems.invalidRequest(infinite.map(([path]) => ({ path, message: 'must be a finite number' })), 'The query is not valid; see errors.');
    return value as T;
  };
}

/**
 * The input with every string trimmed. Copy on write: an array or object is copied only when
 * something inside it changed, and returned as it is otherwise (ajv, as configured here, never
 * changes a value). An import's lines are nearly always trimmed already, and copying each one
 * was a tenth of what an import allocated (issue 12).
 */
/** As an own property even for `__proto__` (JSON.parse makes it one; `out[key] =` would set the prototype). */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function trimStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const inner = trimStrings(value[i]);
      if (inner !== value[i] && out === undefined) out = value.slice(0, i);
      out?.push(inner);
    }
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
      const inner = trimStrings(object[keys[i]]);
      if (inner !== object[keys[i]] && out === undefined) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j], object[keys[j]]);
      }
      if (out) setOwn(out, keys[i], inner);
    }
    return out ?? value;
  }
  return value;
}

function fieldErrors(errors: ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    let path = pointerToPath(error.instancePath);
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      path = path ? `${path}.${extra}` : extra;
      message = 'is not a known field';
    } else if (error.keyword === 'required') {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      path = path ? `${path}.${missing}` : missing;
      message = 'is required';
    } else if (error.keyword === 'pattern' && (error.params as { pattern: string }).pattern === NO_CONTROL_CHARS) {
      message = 'must not contain control characters';
    }
    const id = `${path}\u0000${message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push({ path: path || '(body)', message });
    }
  }
  return out;
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
