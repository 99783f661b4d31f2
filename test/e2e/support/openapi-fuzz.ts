import fc from 'fast-check';
import { orderEventTypes, orderStatuses } from '@ordersource/domain';
import { keys } from './keys';

/**
 * Requests generated from a service's served OpenAPI document (`/docs-json`): for each operation
 * a valid request built from its schemas, and mutations of it as a hostile client would send
 * them (wrong types, missing and extra fields, boundary values, huge, deep and unicode strings,
 * bad headers, ids, cursors and content types, broken JSON and framing).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Operation {
  service: string;
  method: 'GET' | 'POST';
  /** The route's template, e.g. `/orders/{orderId}/cancel`. */
  route: string;
  parameters: { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema }[];
  body?: { required: boolean; schema: Schema };
}

/** What the generator may draw on besides the document: real ids and real cursors of the stack. */
export interface FuzzContext {
  orderIds: string[];
  customerIds: string[];
  /** Real cursors by route template (an edited one must be refused). */
  cursors: Record<string, string[]>;
}

export interface FuzzRequest {
  service: string;
  method: string;
  route: string;
  /** Encoded path and query, as sent. */
  target: string;
  headers: Record<string, string>;
  body?: string;
  /** Sent over a raw socket (bytes fetch refuses to send). */
  raw: boolean;
  /** What was mutated, for the report; `valid` when nothing was. */
  mutation: string;
}

export function operationsOf(service: string, document: Schema): Operation[] {
  const operations: Operation[] = [];
  for (const [route, methods] of Object.entries<Schema>(document.paths ?? {})) {
    for (const [method, operation] of Object.entries<Schema>(methods)) {
      if (method !== 'get' && method !== 'post') continue;
      const json = operation.requestBody?.content?.['application/json'];
      operations.push({
        service,
        method: method.toUpperCase() as Operation['method'],
        route,
        parameters: (operation.parameters ?? []).map((parameter: Schema) => ({ name: parameter.name, in: parameter.in, required: Boolean(parameter.required), schema: parameter.schema ?? {} })),
        body: json ? { required: Boolean(operation.requestBody.required), schema: json.schema ?? {} } : undefined,
      });
    }
  }
  return operations;
}

// ---- valid values from schemas --------------------------------------------------------------

const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'];
const COUNTRIES = ['GB', 'DE', 'FR', 'US', 'JP'];
const printable = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_.', 'é', 'ß', '日本', '🙂', '\u202e', 'Ω');
// Times of the last 60 days (a checkpoint may not lie in the future; analytics ranges are bounded).
const NOW = Date.now();
const isoTime = fc.integer({ min: NOW - 60 * 86_400_000, max: NOW - 60_000 }).map((ms) => new Date(ms).toISOString());

function text(minLength = 1, maxLength = 24): fc.Arbitrary<string> {
  const max = Math.min(maxLength, 24);
  return fc
    .array(printable, { minLength: Math.max(1, minLength), maxLength: Math.max(Math.max(1, minLength), max) })
    .map((parts) => [...parts.join('')].slice(0, maxLength).join(''))
    .filter((value) => value.length >= minLength);
}

export function validValue(schema: Schema, name = ''): fc.Arbitrary<Json> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  switch (schema.type) {
    case 'object': {
      const properties = Object.entries<Schema>(schema.properties ?? {});
      const required = new Set<string>(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const [key, property] of properties) record[key] = validValue(property, key);
      return fc.record(record, { requiredKeys: [...required].filter((key) => key in record) }) as fc.Arbitrary<Json>;
    }
    case 'array':
      return fc.array(validValue(schema.items ?? {}, name), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'uuid') return fc.uuid({ version: 4 });
      if (schema.format === 'date-time') return isoTime;
      if (schema.format === 'iso-4217') return fc.constantFrom(...CURRENCIES);
      if (schema.format === 'iso-3166-alpha-2') return fc.constantFrom(...COUNTRIES);
      return text(schema.minLength ?? 1, schema.maxLength ?? 24);
    default:
      return hinted(name);
  }
}

/** Parameters documented without a schema (`{}`) get a value by their name. */
function hinted(name: string): fc.Arbitrary<Json> {
  if (name === 'limit') return fc.integer({ min: 1, max: 200 });
  if (/^(from|to|placedFrom|placedTo|asOf)$/.test(name)) return isoTime;
  if (name === 'asOfVersion') return fc.integer({ min: 1, max: 8 });
  if (name === 'horizon') return fc.integer({ min: 1, max: 90 });
  if (name === 'currency') return fc.constantFrom(...CURRENCIES);
  if (name === 'status') return fc.constantFrom(...orderStatuses);
  if (name === 'kind') return fc.constantFrom('authorization', 'capture', 'failure', 'refund');
  if (name === 'type') return fc.constantFrom(...orderEventTypes);
  if (name === 'state') return fc.constantFrom('firing', 'resolved');
  if (name === 'groupBy') return fc.constantFrom('currency', 'country', 'carrier', 'warehouse');
  if (name === 'actor') return fc.constantFrom('ops', 'adm', 'operator:ops', 'customer:cust-a');
  return text(1, 16);
}

// ---- mutations ------------------------------------------------------------------------------

const HUGE = 'x'.repeat(200_000);
const OVER_LIMIT = 'y'.repeat(1024 * 1024 + 16);

/** Values that are wrong somewhere: wrong type, out of range, hostile strings. */
const badValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, -0.0001, 2 ** 53, -(2 ** 63), 1e308, '', ' ', '   x   ', '0', '-1', '1e400', 'NaN', 'null', [], {}, [1, 2], { a: { b: [] } }),
  fc.constantFrom<Json>('\u0000', 'a\u0007b', '\u007f', 'line\nbreak', '\ud800', '\udfff\ud800', '🙂'.repeat(300), 'é'.repeat(201), 'Ω'.repeat(65), '0000-01-01T00:00:00.000Z', '10000-01-01T00:00:00Z', '2024-02-30T00:00:00Z', 'XX', 'ZZZ', 'eur', '../../etc/passwd', '<script>', "' OR 1=1 --"),
  fc.constant<Json>(HUGE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

interface PathStep {
  path: (string | number)[];
  schema: Schema;
}

function slots(value: Json, schema: Schema, path: (string | number)[] = []): PathStep[] {
  const here: PathStep[] = [{ path, schema }];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) here.push(...slots(inner, schema.properties?.[key] ?? {}, [...path, key]));
  } else if (Array.isArray(value)) {
    value.forEach((inner, index) => here.push(...slots(inner, schema.items ?? {}, [...path, index])));
  }
  return here;
}

function setAt(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement === undefined ? null : replacement;
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  let node = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (replacement === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

/** The schema's own edges, one past them and on them. */
function boundaries(schema: Schema): Json[] {
  const out: Json[] = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) out.push(schema.minimum, schema.minimum - 1);
    if (schema.maximum !== undefined) out.push(schema.maximum, schema.maximum + 1);
    if (schema.type === 'integer') out.push(1.5);
  }
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) out.push('m'.repeat(schema.maxLength), 'm'.repeat(schema.maxLength + 1), `${' '.repeat(3)}${'m'.repeat(schema.maxLength)}${' '.repeat(3)}`);
    if (schema.minLength !== undefined) out.push(''.padEnd(Math.max(0, schema.minLength - 1), 'm'), ' '.repeat(schema.minLength + 1));
  }
  if (schema.type === 'array') {
    if (schema.maxItems !== undefined) out.push(Array.from({ length: schema.maxItems + 1 }, () => ({})));
    out.push([]);
  }
  return out.length > 0 ? out : [null];
}

type BodyMutation = { label: string; text: string | undefined };

function mutatedBody(schema: Schema): fc.Arbitrary<BodyMutation> {
  const valid = validValue(schema);
  const atSlot = (label: string, replacement: (step: PathStep) => fc.Arbitrary<Json | undefined>) =>
    fc.tuple(valid, fc.nat()).chain(([value, index]) => {
      const all = slots(value, schema);
      const step = all[index % all.length];
      return replacement(step).map((bad) => ({ label, text: JSON.stringify(setAt(value, step.path, bad)) }));
    });
  const required = (schema.required ?? []) as string[];
  return fc.oneof(
    atSlot('body: wrong type or hostile value', () => badValue),
    atSlot('body: boundary value', (step) => fc.constantFrom(...boundaries(step.schema))),
    atSlot('body: field removed', (step) => (step.path.length === 0 ? fc.constant(null) : fc.constant(undefined))),
    fc.tuple(valid, fc.constantFrom('extra', '__proto__', 'constructor', 'orderId', ''), badValue).map(([value, key, bad]) => ({
      label: 'body: extra field',
      text: typeof value === 'object' && value && !Array.isArray(value) ? JSON.stringify(value).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(bad)}${Object.keys(value).length ? ',' : ''}`) : JSON.stringify(value),
    })),
    fc.constant({ label: 'body: required fields missing', text: JSON.stringify(Object.fromEntries(required.slice(1).map((key) => [key, 1]))) }),
    fc.constantFrom<BodyMutation>(
      { label: 'body: malformed JSON', text: '{' },
      { label: 'body: malformed JSON', text: '{"a":' },
      { label: 'body: malformed JSON', text: "{'a':1}" },
      { label: 'body: malformed JSON', text: '\ufeff{}' },
      { label: 'body: malformed JSON', text: '{"a":1}{"b":2}' },
      { label: 'body: not an object', text: '[]' },
      { label: 'body: not an object', text: '"text"' },
      { label: 'body: not an object', text: '42' },
      { label: 'body: not an object', text: 'null' },
      { label: 'body: 1e400', text: '{"amount":1e400,"reason":"x"}' },
      { label: 'body: 1e400', text: '[1e400]' },
      { label: 'body: deep nesting', text: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
      { label: 'body: deep nesting', text: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}` },
      { label: 'body: deep nesting', text: `{"items":${'['.repeat(40)}${']'.repeat(40)}}` },
      { label: 'body: duplicate keys', text: '{"reason":"a","reason":"b"}' },
      { label: 'body: proto pollution', text: '{"__proto__":{"admin":true}}' },
      { label: 'body: proto pollution', text: '{"constructor":{"prototype":{"admin":true}}}' },
      { label: 'body: huge string', text: JSON.stringify({ reason: HUGE }) },
      { label: 'body: over 1 MiB', text: JSON.stringify({ reason: OVER_LIMIT }) },
      { label: 'body: lone surrogate escape', text: '{"reason":"\\ud800"}' },
      { label: 'body: NUL escape', text: '{"reason":"a\\u0000b"}' },
    ),
  );
}

// ---- parameters and headers -----------------------------------------------------------------

function badIds(context: FuzzContext): fc.Arbitrary<{ label: string; value: string }> {
  const known = context.orderIds[0];
  return fc.constantFrom(
    { label: 'id: not a uuid', value: 'not-a-uuid' },
    { label: 'id: upper-cased', value: known.toUpperCase() },
    { label: 'id: %2D-escaped', value: known.replace('-', '%2D') },
    { label: 'id: nil uuid', value: '00000000-0000-0000-0000-000000000000' },
    { label: 'id: too long', value: 'a'.repeat(500) },
    { label: 'id: traversal', value: '..%2F..%2Fx' },
    { label: 'id: encoded NUL', value: 'a%00b' },
    { label: 'id: encoded unicode', value: encodeURIComponent('日本🙂\u202e') },
    { label: 'id: encoded space', value: '%20' },
    { label: 'id: braces', value: '{orderId}' },
    { label: 'id: lone surrogate', value: '%ED%A0%80' },
    { label: 'id: with a dot', value: '.' },
  );
}

function pathValue(name: string, context: FuzzContext, schema: Schema): fc.Arbitrary<string> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as string[]));
  if (name === 'orderId') return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...context.orderIds) }, { weight: 1, arbitrary: fc.uuid({ version: 4 }) });
  if (name === 'customerId') return fc.oneof(fc.constantFrom(...context.customerIds), text(1, 20).map(encodeURIComponent));
  if (name === 'name') return fc.constantFrom('order-tracking', 'payments', 'shipping', 'audit', 'analytics');
  return text(1, 16).map(encodeURIComponent);
}

const badQueryValue = fc.constantFrom('', 'abc', '-1', '0', '201', '1e400', '0x10', '1.5', 'null', '2024-13-45', '0000-01-01T00:00:00Z', '%ZZ', encodeURIComponent('日本🙂'), encodeURIComponent('\u0000'), 'a'.repeat(3000));

function badCursor(route: string, context: FuzzContext): fc.Arbitrary<{ label: string; value: string }> {
  const real = Object.values(context.cursors).flat();
  const own = context.cursors[route] ?? [];
  const options: fc.Arbitrary<{ label: string; value: string }>[] = [
    fc.constantFrom(
      { label: 'cursor: garbage', value: 'garbage' },
      { label: 'cursor: forged', value: Buffer.from(JSON.stringify({ placedAt: '2000-01-01T00:00:00Z', orderId: context.orderIds[0] })).toString('base64url') },
      { label: 'cursor: empty', value: '' },
      { label: 'cursor: huge', value: 'c'.repeat(5000) },
    ),
  ];
  if (real.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...real), fc.nat()).map(([cursor, index]) => {
        const at = index % cursor.length;
        const flipped = cursor[at] === 'A' ? 'B' : 'A';
        return { label: 'cursor: edited', value: encodeURIComponent(cursor.slice(0, at) + flipped + cursor.slice(at + 1)) };
      }),
      fc.constantFrom(...real).map((cursor) => ({ label: 'cursor: truncated', value: encodeURIComponent(cursor.slice(0, -3)) })),
      // A real cursor of another route: cursors are bound to their route.
      fc.constantFrom(...real.filter((cursor) => !own.includes(cursor)).concat(real[0])).map((cursor) => ({ label: 'cursor: of another route', value: encodeURIComponent(cursor) })),
    );
  }
  return fc.oneof(...options);
}

/** Mostly none or a fresh key; sometimes one of three shared keys, so repeats and 422 reuses happen too. */
const idempotencyKeys = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.uuid({ version: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') },
);

/** The keys of the four roles, staff most often (customers are refused most routes). */
const authorizations = fc.oneof(
  { weight: 5, arbitrary: fc.constant(`Bearer ${keys.admin}`) },
  { weight: 3, arbitrary: fc.constant(`Bearer ${keys.operator}`) },
  { weight: 1, arbitrary: fc.constant(`Bearer ${keys.customerA}`) },
  { weight: 1, arbitrary: fc.constant(`Bearer ${keys.customerB}`) },
);

const badAuthorizations = fc.constantFrom<{ label: string; value: string | undefined }>(
  { label: 'auth: none', value: undefined },
  { label: 'auth: unknown key', value: 'Bearer nope' },
  { label: 'auth: empty bearer', value: 'Bearer ' },
  { label: 'auth: basic', value: 'Basic YWRtOms=' },
  { label: 'auth: key without scheme', value: keys.admin },
  { label: 'auth: lower-case scheme', value: `bearer ${keys.admin}` },
  { label: 'auth: huge', value: `Bearer ${'k'.repeat(8000)}` },
);

const badHeaders = fc.constantFrom<[string, string, string]>(
  ['header: Idempotency-Key empty', 'idempotency-key', ''],
  ['header: Idempotency-Key too long', 'idempotency-key', 'i'.repeat(256)],
  ['header: Idempotency-Key latin-1', 'idempotency-key', 'clé'],
  ['header: If-Match garbage', 'if-match', 'garbage'],
  ['header: If-Match weak', 'if-match', 'W/"1"'],
  ['header: If-Match star', 'if-match', '*'],
  ['header: If-Match negative', 'if-match', '"-1"'],
  ['header: If-Match huge', 'if-match', '"99999999999999999999999"'],
  ['header: If-Match stale', 'if-match', '"1"'],
  ['header: X-Min-Version garbage', 'x-min-version', 'abc'],
  ['header: X-Min-Version negative', 'x-min-version', '-1'],
  ['header: X-Min-Version huge', 'x-min-version', '99999999999999999999'],
  ['header: X-Min-Version fraction', 'x-min-version', '1.5'],
  ['header: X-Wait-Ms over the limit', 'x-wait-ms', '10001'],
  ['header: X-Wait-Ms negative', 'x-wait-ms', '-5'],
  ['header: X-Wait-Ms garbage', 'x-wait-ms', 'soon'],
  ['header: X-Correlation-Id too long', 'x-correlation-id', 'c'.repeat(200)],
  ['header: X-Correlation-Id with space', 'x-correlation-id', 'a b'],
  ['header: Accept xml', 'accept', 'application/xml'],
  ['header: Content-Encoding gzip', 'content-encoding', 'gzip'],
  ['header: Transfer-Encoding odd', 'x-forwarded-for', '::1, 10.0.0.1'],
);

const badContentTypes = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/jsonx', 'application/problem+json', 'application/x-ndjson', '', ';;;', 'application/json; charset=utf-8');

/** Raw-socket requests: what fetch itself refuses to send. */
function rawMutation(operation: Operation, target: string): fc.Arbitrary<{ label: string; request: string }> {
  const auth = `Authorization: Bearer ${keys.admin}\r\n`;
  const line = (path: string) => `${operation.method} ${path} HTTP/1.1\r\nHost: x\r\n`;
  const body = operation.method === 'POST' ? '{}' : '';
  const tail = operation.method === 'POST' ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` : '\r\n';
  return fc.constantFrom(
    { label: 'raw: bad percent-encoding', request: `${line(target.replace(/\/[^/?]*$/, '/%ZZ'))}${auth}${tail}` },
    { label: 'raw: dot segments', request: `${line(`${target}/../..`)}${auth}${tail}` },
    { label: 'raw: control byte in header', request: `${line(target)}${auth}X-Correlation-Id: a\u0001b\r\n${tail}` },
    { label: 'raw: non-ASCII header bytes', request: `${line(target)}Authorization: Bearer ké\u00ff\r\n${tail}` },
    { label: 'raw: header without colon', request: `${line(target)}${auth}Broken header\r\n${tail}` },
    { label: 'raw: two content lengths', request: `${line(target)}${auth}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}` },
    { label: 'raw: absolute-form target', request: `${operation.method} http://x${target} HTTP/1.1\r\nHost: x\r\n${auth}${tail}` },
    { label: 'raw: HTTP/1.0', request: `${operation.method} ${target} HTTP/1.0\r\n${auth}${tail}` },
    { label: 'raw: chunked body', request: `${line(target)}${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n` },
    { label: 'raw: bad chunk size', request: `${line(target)}${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n` },
  );
}

// ---- requests -------------------------------------------------------------------------------

/**
 * One operation's requests: about a fifth valid (as the document describes them), the rest with
 * exactly one kind of mutation, so a failure names what caused it.
 */
export function requestsFor(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const takesMinVersion = operation.parameters.some((parameter) => parameter.name === 'X-Min-Version');

  const pathValues = fc.tuple(...pathParameters.map((parameter) => pathValue(parameter.name, context, parameter.schema)));
  const queryValues = fc.tuple(
    ...queryParameters.map((parameter) => {
      const own = context.cursors[operation.route] ?? [];
      if (parameter.name === 'cursor' && own.length === 0) return fc.constant<[string, string][]>([]);
      const value: fc.Arbitrary<Json> =
        parameter.name === 'cursor' ? fc.constantFrom(...own) : parameter.name === 'orderId' ? fc.constantFrom(...context.orderIds) : validValue(parameter.schema, parameter.name);
      const present = parameter.required ? fc.constant(true) : fc.boolean();
      // An array parameter repeats (`type=A&type=B`).
      return fc.tuple(present, value).map(([given, inner]) => (given ? (Array.isArray(inner) ? inner : [inner]).map((item) => [parameter.name, String(item)] as [string, string]) : []));
    }),
  );
  const body = operation.body ? validValue(operation.body.schema) : fc.constant(undefined);
  const base = fc.record({ path: pathValues, query: queryValues, body, auth: authorizations, idempotency: idempotencyKeys, minVersion: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }) });

  type Mutation = { label: string; apply: (request: FuzzRequest) => FuzzRequest };
  const parameterSegments = operation.route.split('/').flatMap((segment, at) => (/^\{.+\}$/.test(segment) ? [at] : []));
  const replacePath = (index: number, value: string) => (request: FuzzRequest) => {
    const [pathPart, queryPart] = request.target.split('?');
    const parts = pathPart.split('/');
    parts[parameterSegments[index]] = value;
    return { ...request, target: parts.join('/') + (queryPart !== undefined ? `?${queryPart}` : '') };
  };
  const mutations: fc.Arbitrary<Mutation>[] = [
    fc.constant({ label: 'valid', apply: (request: FuzzRequest) => request }),
    fc.tuple(badHeaders).map(([[label, name, value]]) => ({ label, apply: (request: FuzzRequest) => ({ ...request, headers: { ...request.headers, [name]: value, ...(name === 'x-min-version' ? { 'x-wait-ms': '0' } : {}) } }) })),
    badContentTypes.map((type) => ({ label: `content-type: ${type || '(empty)'}`, apply: (request: FuzzRequest) => ({ ...request, headers: { ...request.headers, 'content-type': type }, body: request.body ?? '{}' }) })),
    badAuthorizations.map(({ label, value }) => ({
      label,
      apply: (request: FuzzRequest) => {
        const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'authorization'));
        return { ...request, headers: value === undefined ? headers : { ...headers, authorization: value } };
      },
    })),
    fc.constant({ label: 'content-type: none with a body', apply: (request: FuzzRequest) => ({ ...request, headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'content-type')), body: request.body ?? '{}' }) }),
    fc.tuple(fc.constantFrom('bogus', 'LIMIT', 'limit[]', '__proto__', ''), badQueryValue).map(([name, value]) => ({ label: 'query: unknown parameter', apply: (request: FuzzRequest) => ({ ...request, target: `${request.target}${request.target.includes('?') ? '&' : '?'}${name}=${value}` }) })),
  ];
  const raw = fc.constant<Mutation>({ label: RAW, apply: (request: FuzzRequest) => request });
  if (queryParameters.length > 0) {
    mutations.push(
      fc.tuple(fc.nat(), badQueryValue).map(([index, value]) => {
        const parameter = queryParameters[index % queryParameters.length];
        return { label: `query: bad ${parameter.name}`, apply: (request: FuzzRequest) => ({ ...request, target: withQuery(request.target, parameter.name, value) }) };
      }),
      fc.nat().map((index) => {
        const parameter = queryParameters[index % queryParameters.length];
        return { label: `query: ${parameter.name} twice`, apply: (request: FuzzRequest) => ({ ...request, target: `${withQuery(request.target, parameter.name, '1')}&${parameter.name}=2` }) };
      }),
    );
    const required = queryParameters.filter((parameter) => parameter.required);
    if (required.length > 0) mutations.push(fc.constant({ label: 'query: required parameter missing', apply: (request: FuzzRequest) => ({ ...request, target: withoutQuery(request.target, required[0].name) }) }));
    if (queryParameters.some((parameter) => parameter.name === 'cursor')) {
      mutations.push(badCursor(operation.route, context).map(({ label, value }) => ({ label, apply: (request: FuzzRequest) => ({ ...request, target: withQuery(request.target, 'cursor', value) }) })));
    }
  }
  pathParameters.forEach((_, index) => mutations.push(badIds(context).map(({ label, value }) => ({ label, apply: replacePath(index, value) }))));
  if (operation.body) mutations.push(mutatedBody(operation.body.schema).map(({ label, text: bodyText }) => ({ label, apply: (request: FuzzRequest) => ({ ...request, body: bodyText }) })));
  else if (operation.method === 'POST') mutations.push(fc.constant({ label: 'body: unexpected', apply: (request: FuzzRequest) => ({ ...request, body: '{"unexpected":1}', headers: { ...request.headers, 'content-type': 'application/json' } }) }));

  // Valid requests and body mutations weigh more: they reach the deciders and the stores.
  const weighted = [
    { weight: 4, arbitrary: mutations[0] },
    ...mutations.slice(1).map((arbitrary) => ({ weight: 1, arbitrary })),
    { weight: 1, arbitrary: raw },
    ...(operation.body ? [{ weight: 3, arbitrary: mutations[mutations.length - 1] }] : []),
  ];
  return fc.tuple(base, fc.oneof(...weighted)).chain(([parts, mutation]) => {
    let target = operation.route;
    pathParameters.forEach((parameter, index) => (target = target.replace(`{${parameter.name}}`, parts.path[index])));
    const query = coherent((parts.query as [string, string][][]).flat(), queryParameters.map((parameter) => parameter.name));
    if (query.length > 0) target += `?${query.map(([name, value]) => `${name}=${value.startsWith('%') || /%[0-9A-F]{2}/.test(value) ? value : encodeURIComponent(value)}`).join('&')}`;
    const headers: Record<string, string> = {};
    headers.authorization = parts.auth;
    if (operation.method === 'POST' && parts.idempotency) headers['idempotency-key'] = parts.idempotency;
    // A read that waits answers at once: X-Wait-Ms 0 (a wait is a timing class, not a fuzz target).
    if (takesMinVersion && parts.minVersion !== undefined) Object.assign(headers, { 'x-min-version': String(parts.minVersion), 'x-wait-ms': '0' });
    let bodyText: string | undefined;
    if (parts.body !== undefined) {
      bodyText = JSON.stringify(parts.body);
      headers['content-type'] = 'application/json';
    }
    const request: FuzzRequest = { service: operation.service, method: operation.method, route: operation.route, target, headers, body: bodyText, raw: false, mutation: mutation.label };
    if (mutation.label === RAW) return rawMutation(operation, target).map(({ label, request: bytes }) => ({ ...request, raw: true, mutation: label, body: bytes }));
    const mutated = mutation.apply(request);
    return fc.constant({ ...mutated, mutation: mutation.label });
  });
}

const RAW = 'raw';

/**
 * The rules between parameters that the document states in words: a range runs forwards (and
 * is at most 60 days here, 30 for hourly buckets), exactly one of `asOf` and `asOfVersion`,
 * `currency` is for `metric=revenue` only and required there.
 */
function coherent(query: [string, string][], names: string[]): [string, string][] {
  const get = (name: string) => query.find(([key]) => key === name);
  for (const [from, to] of [['from', 'to'], ['placedFrom', 'placedTo']]) {
    const [a, b] = [get(from), get(to)];
    if (a && b && a[1] > b[1]) [a[1], b[1]] = [b[1], a[1]];
  }
  const bucket = get('bucket');
  const [from, to] = [get('from'), get('to')];
  if (bucket?.[1] === 'hour' && from && to && Date.parse(to[1]) - Date.parse(from[1]) > 30 * 86_400_000) to[1] = new Date(Date.parse(from[1]) + 30 * 86_400_000).toISOString();
  let out = query;
  if (get('asOf') && get('asOfVersion')) out = out.filter(([key]) => key !== 'asOf');
  else if (names.includes('asOfVersion') && !get('asOf') && !get('asOfVersion')) out = [...out, ['asOfVersion', '1']];
  const metric = get('metric');
  if (metric && metric[1] !== 'revenue') out = out.filter(([key]) => key !== 'currency');
  if (metric?.[1] === 'revenue' && !get('currency')) out = [...out, ['currency', 'EUR']];
  return out;
}

function withQuery(target: string, name: string, value: string): string {
  const stripped = withoutQuery(target, name);
  return `${stripped}${stripped.includes('?') ? '&' : '?'}${name}=${value}`;
}

function withoutQuery(target: string, name: string): string {
  const [path, query] = target.split('?');
  if (query === undefined) return path;
  const kept = query.split('&').filter((pair) => pair.split('=')[0] !== name);
  return kept.length > 0 ? `${path}?${kept.join('&')}` : path;
}
