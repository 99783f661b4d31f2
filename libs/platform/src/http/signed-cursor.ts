import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { problems } from './problem';

/** The query-string schema of a list route's `cursor` (API.md): what `routeCursor` makes. */
export const cursorSchema = { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_=-]+$' } as const;

/**
 * A list route's cursor names the route it pages and is authenticated (API.md "v1
 * clarifications"; issue 17: an edited cursor answered 200). A store's cursor says only where a
 * page starts, so another route's cursor, or one forged or edited in that shape, would otherwise
 * start a page at an arbitrary key instead of answering 400. The tag is an HMAC over the
 * payload, truncated to 128 bits, appended as 22 base64url characters. Every service that pages
 * (query, projector) signs and opens its cursors here.
 *
 * The key is derived from the master key by each service at start-up (`cursorKeyOf`, so every
 * instance accepts the others' cursors). Keys are kept as a set for verification: tests run
 * several services with different keys in one process, and each must accept its own cursors; a
 * process that serves has one. Until a key is set, cursors are signed with a random one.
 */
const TAG_LENGTH = 22;
const cursorKeys: Buffer[] = [randomBytes(32)];

/** The cursor key of a master key (ORDERSOURCE_MASTER_KEY as bytes). */
export function cursorKeyOf(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'ordersource/cursor-hmac', 32));
}

export function useCursorKey(key: Buffer): void {
  if (!cursorKeys.some((known) => known.equals(key))) cursorKeys.unshift(key);
}

function tagOf(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest().subarray(0, 16).toString('base64url');
}

/** The signed cursor of `route` starting at `storeCursor`; null when there is no next page. */
export function routeCursor(route: string, storeCursor: string | null | undefined): string | null {
  if (!storeCursor) return null;
  const payload = Buffer.from(JSON.stringify([route, storeCursor]), 'utf8').toString('base64url');
  return `${payload}${tagOf(cursorKeys[0], payload)}`;
}

/** The store cursor inside a cursor of `route`; a forged, edited or foreign one is a 400 problem. */
export function storeCursorOf(route: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => problems.invalidRequest([{ path: 'cursor', message: `is not a cursor of ${route}` }], 'The query cannot be served as asked.');
  const payload = cursor.slice(0, -TAG_LENGTH);
  const tag = Buffer.from(cursor.slice(-TAG_LENGTH));
  const authentic =
    cursor.length > TAG_LENGTH &&
    cursorKeys.some((key) => {
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
