import { createHmac } from 'node:crypto';
import { canonicalJsonOfValidated } from '@ordersource/event-store';
import type { ImportLine } from './import-line';

export interface LineDigest {
  orderId: string;
  /** The line's fingerprint, stored on its first event: a repeat of the same line is told apart from another history. */
  digest: string;
}

/**
 * The order id of a line (its own, or an RFC 9562 version 8 UUID derived from its content, the
 * same on every run) and its fingerprint: HMACs over RFC 8785 canonical JSON of the line, and of
 * the line with its `orderId`. Lines carry names and addresses, so a plain hash in the log would
 * confirm a guessed one; the key must stay the same across runs for re-runs to be idempotent.
 *
 * The lines are plain JSON (JSON.parse, then the schema), for which canonicalJsonOfValidated equals
 * the `canonicalize` package's output (canonical-json.spec.ts); digests of earlier runs hold
 * (line-digest.spec.ts). A line without an id is canonicalised once, as the members before and
 * after `orderId` in key order, and both texts are joined from them: canonicalising the line
 * twice was the import's largest single JS cost.
 */
export function lineDigest(line: ImportLine, key: Buffer): LineDigest {
  if (line.orderId !== undefined) return { orderId: line.orderId, digest: hmac(key, 'line', canonicalJsonOfValidated(line)) };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  // RFC 8785 orders keys by UTF-16 code units, as `<` compares strings.
  for (const [name, value] of Object.entries(line)) (name < 'orderId' ? before : after)[name] = value;
  const head = members(before);
  const tail = members(after);
  const orderId = uuidV8(hmac(key, 'order-id', object(head, tail)));
  return { orderId, digest: hmac(key, 'line', object(head, `"orderId":${JSON.stringify(orderId)}`, tail)) };
}

/** The members of an object's canonical JSON, without its braces. */
function members(value: Record<string, unknown>): string {
  return canonicalJsonOfValidated(value).slice(1, -1);
}

function object(...parts: string[]): string {
  return `{${parts.filter((part) => part !== '').join(',')}}`;
}

function hmac(key: Buffer, purpose: string, canonical: string): string {
  return createHmac('sha256', key).update(`${purpose}\n${canonical}`).digest('hex');
}

/** A UUID (RFC 9562 version 8: custom) from a hex digest. */
function uuidV8(hexDigest: string): string {
  const hex = hexDigest.slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const id = hex.join('');
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}
