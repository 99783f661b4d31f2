import { createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import { parseImportLine, type ImportLine } from './import-line';
import { lineDigest } from './line-digest';
import { deliveredOrderLine } from './testing/import-lines';

const key = Buffer.alloc(32, 7);
const hmac = (text: string) => createHmac('sha256', key).update(text).digest('hex');

/** The definition earlier runs stored (`canonicalize` over the line, then over the line with its id). */
function reference(line: ImportLine): { orderId: string; digest: string } {
  let orderId = line.orderId;
  if (orderId === undefined) {
    const hex = hmac(`order-id\n${canonicalize(line)}`).slice(0, 32);
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    orderId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
  return { orderId, digest: hmac(`line\n${canonicalize({ ...line, orderId })}`) };
}

const parsed = (line: ImportLine) => parseImportLine(JSON.stringify(line));

describe('a line digest', () => {
  it.each([
    ['a line without an id', deliveredOrderLine()],
    ['a line with its own id', deliveredOrderLine({ orderId: '5d9f1c2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f' })],
    ['a line with a channel (a key before orderId)', deliveredOrderLine({ channel: 'app' })],
    [
      'a line whose texts need JSON escapes and sort beyond ASCII',
      deliveredOrderLine({ shippingAddress: { name: 'Zoë "Zed" O\'Brien \\ 日本', line1: 'Straße 1 \u{1F4E6}', city: 'Köln', postalCode: '50667', country: 'DE' } }),
    ],
  ])('equals the digest earlier runs stored, for %s', (_, line) => {
    expect(lineDigest(parsed(line), key)).toEqual(reference(parsed(line)));
  });

  it('derives a version 8 UUID that is the same on every run and differs with the content', () => {
    const { orderId } = lineDigest(parsed(deliveredOrderLine()), key);
    expect(orderId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lineDigest(parsed(deliveredOrderLine()), key).orderId).toBe(orderId);
    expect(lineDigest(parsed(deliveredOrderLine({ currency: 'USD' })), key).orderId).not.toBe(orderId);
  });
});
