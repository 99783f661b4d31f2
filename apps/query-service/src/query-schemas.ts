import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NO_CONTROL_CHARS, problems, queryValidator } from '@ordersource/platform';
import { InvalidQueryError } from '@ordersource/read-models';

/** Query-string pieces of API.md's list routes; unknown parameters are 400 (additionalProperties). */
export const limit = { type: 'integer', minimum: 1, maximum: 200, default: 50 } as const;
export const cursor = { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_=-]+$' } as const;
export const instant = { type: 'string', format: 'date-time', maxLength: 40 } as const;
export const id64 = { type: 'string', minLength: 1, maxLength: 64, pattern: NO_CONTROL_CHARS } as const;
export const uuid = { type: 'string', format: 'uuid' } as const;
/** A recorded actor, `role:subject` (`customer:` + a 64-character id is the longest a key makes; imports prefix `import:`). */
export const actor = { type: 'string', minLength: 1, maxLength: 160, pattern: NO_CONTROL_CHARS } as const;

export function listQuery<T>(properties: Record<string, unknown>) {
  return queryValidator<T>({ type: 'object', additionalProperties: false, properties: { ...properties, limit, cursor } });
}

export const noQuery = queryValidator<Record<string, never>>({ type: 'object', additionalProperties: false, properties: {} });

/** A forged or foreign cursor, or a bound the store cannot compare, is the caller's error. */
export async function asQueryProblem<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InvalidQueryError) throw problems.invalidRequest([{ path: 'cursor', message: error.message }], 'The query cannot be served as asked.');
    throw error;
  }
}

export function range(field: string, from?: string, to?: string) {
  if (from && to && Date.parse(from) > Date.parse(to)) {
    throw problems.invalidRequest([{ path: 'from', message: 'must not be after to' }]);
  }
  return [
    ...(from ? [{ field, op: 'gte' as const, value: new Date(from).toISOString() }] : []),
    ...(to ? [{ field, op: 'lte' as const, value: new Date(to).toISOString() }] : []),
  ];
}

/**
 * A list route's cursor names the route it pages and is authenticated (API.md "v1
 * clarifications"; issue 17: an edited cursor answered 200). The store's cursor is only
 * [sortValue, id], so another route's cursor, or one forged or edited in that shape, would
 * otherwise start a page at an arbitrary key instead of answering 400. The tag is an HMAC over
 * the payload, truncated to 128 bits, appended as 22 base64url characters.
 *
 * The key is derived from the master key by the service at start-up (so every instance accepts
 * the others' cursors). Keys are kept as a set for verification: tests run several services
 * with different keys in one process, and each must accept its own cursors; a process that
 * serves has one. Until a key is set, cursors are signed with a random one.
 */
const TAG_LENGTH = 22;
const cursorKeys: Buffer[] = [randomBytes(32)];

export function useCursorKey(key: Buffer): void {
  if (!cursorKeys.some((known) => known.equals(key))) cursorKeys.unshift(key);
}

function tagOf(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest().subarray(0, 16).toString('base64url');
}

export function routeCursor(route: string, storeCursor: string | null | undefined): string | null {
  if (!storeCursor) return null;
  const payload = Buffer.from(JSON.stringify([route, storeCursor]), 'utf8').toString('base64url');
  return `${payload}${tagOf(cursorKeys[0], payload)}`;
}

export function storeCursorOf(route: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => problems.invalidRequest([{ path: 'cursor', message: `is not a cursor of ${route}` }], 'The query cannot be served as asked.');
  const payload = cursor.slice(0, -TAG_LENGTH);
  const tag = Buffer.from(cursor.slice(-TAG_LENGTH));
  const authentic = cursor.length > TAG_LENGTH && cursorKeys.some((key) => {
    const expected = Buffer.from(tagOf(key, payload));
    return expected.length === tag.length && timingSafeEqual(expected, tag);
  });
  if (!authentic) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== route || typeof parsed[1] !== 'string') throw invalid();
  return parsed[1];
}
