import { orderStreamId } from '@ordersource/domain';
import {
  CommandServiceHarness,
  ORDER_TOTAL,
  commandBodies,
  drive,
  expectProblem,
  orderBody,
  placeOrder,
  startHarness,
} from './command-service.harness';

/**
 * Bad input through the real HTTP stack (API.md "Conventions"): every case is a problem+json
 * with the documented status and rule, never a 500, and leaves the store as it was.
 */
interface Ids {
  placed: string;
  shipped: string;
  paid: string;
}

interface BadInput {
  name: string;
  path: (ids: Ids) => string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  rule: string;
  /** Expected `errors[].path` entry, where the problem names a field. */
  field?: string;
}

const item = (overrides: Record<string, unknown> = {}) => ({ sku: 'SKU-1', quantity: 1, unitPrice: 100, ...overrides });
const address = (overrides: Record<string, unknown> = {}) => ({ ...(orderBody().shippingAddress as object), ...overrides });
const place = (overrides: Record<string, unknown>): Pick<BadInput, 'path' | 'body'> => ({ path: () => '/orders', body: orderBody(overrides) });
const without = (key: string) => {
  const body = orderBody();
  delete body[key];
  return body;
};
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const validPlaceText = JSON.stringify(orderBody());

const cases: BadInput[] = [
  // the body as a whole
  { name: 'malformed JSON', path: () => '/orders', raw: '{"customerId": "cust-a",', status: 400, rule: 'malformed-json' },
  { name: 'a text/plain body', path: () => '/orders', raw: validPlaceText, headers: { 'content-type': 'text/plain' }, status: 415, rule: 'unsupported-media-type' },
  { name: 'a form-encoded body', path: () => '/orders', raw: 'customerId=cust-a', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, rule: 'unsupported-media-type' },
  { name: 'a 2 MiB body', path: () => '/orders', raw: JSON.stringify({ ...orderBody(), padding: 'x'.repeat(2 * 1024 * 1024) }), status: 413, rule: 'payload-too-large' },
  { name: 'a JSON array as body', path: () => '/orders', raw: '[]', status: 400, rule: 'invalid-request' },
  { name: 'an empty body where fields are required', path: () => '/orders', raw: '', status: 400, rule: 'invalid-request', field: 'customerId' },
  { name: 'a __proto__ key', path: () => '/orders', raw: validPlaceText.replace('{', '{"__proto__": {"isAdmin": true},'), status: 400, rule: 'malformed-json' },
  { name: 'a constructor.prototype key', path: () => '/orders', raw: validPlaceText.replace('{', '{"constructor": {"prototype": {"isAdmin": true}},'), status: 400, rule: 'malformed-json' },
  // missing, extra and wrongly typed fields
  { name: 'a missing customerId', path: () => '/orders', body: without('customerId'), status: 400, rule: 'invalid-request', field: 'customerId' },
  { name: 'a missing shippingAddress', path: () => '/orders', body: without('shippingAddress'), status: 400, rule: 'invalid-request', field: 'shippingAddress' },
  { name: 'a missing address city', ...place({ shippingAddress: { ...address(), city: undefined } }), status: 400, rule: 'invalid-request', field: 'shippingAddress.city' },
  { name: 'an unknown top-level field', ...place({ coupon: 'FREE' }), status: 400, rule: 'invalid-request', field: 'coupon' },
  { name: 'an unknown item field', ...place({ items: [item({ colour: 'red' })] }), status: 400, rule: 'invalid-request', field: 'items[0].colour' },
  { name: 'items that are not an array', ...place({ items: { sku: 'SKU-1' } }), status: 400, rule: 'invalid-request', field: 'items' },
  { name: 'an amount sent as a string', path: (ids) => `/orders/${ids.placed}/payment/authorize`, body: { amount: String(ORDER_TOTAL), method: 'card' }, status: 400, rule: 'invalid-request', field: 'amount' },
  { name: 'a field on a route that takes none', path: (ids) => `/orders/${ids.placed}/payment/capture`, body: { amount: 1 }, status: 400, rule: 'invalid-request', field: 'amount' },
  { name: 'an unknown query parameter on POST /orders', path: () => '/orders?debug=1', body: orderBody(), status: 400, rule: 'invalid-request', field: 'debug' },
  { name: 'an unknown query parameter on a command', path: (ids) => `/orders/${ids.placed}/cancel?force=true`, body: commandBodies.cancel(), status: 400, rule: 'invalid-request', field: 'force' },
  // numbers out of range
  { name: 'a negative unitPrice', ...place({ items: [item({ unitPrice: -1 })] }), status: 400, rule: 'invalid-request', field: 'items[0].unitPrice' },
  { name: 'a fractional unitPrice', ...place({ items: [item({ unitPrice: 9.99 })] }), status: 400, rule: 'invalid-request', field: 'items[0].unitPrice' },
  { name: 'a unitPrice of 10^9 + 1', ...place({ items: [item({ unitPrice: 1_000_000_001 })] }), status: 400, rule: 'invalid-request', field: 'items[0].unitPrice' },
  { name: 'a quantity of 0', ...place({ items: [item({ quantity: 0 })] }), status: 400, rule: 'invalid-request', field: 'items[0].quantity' },
  { name: 'a quantity of 10^6', ...place({ items: [item({ quantity: 1_000_000 })] }), status: 400, rule: 'invalid-request', field: 'items[0].quantity' },
  { name: '101 items', ...place({ items: Array.from({ length: 101 }, (_, i) => item({ sku: `SKU-${i}` })) }), status: 400, rule: 'invalid-request', field: 'items' },
  { name: 'no items', ...place({ items: [] }), status: 400, rule: 'invalid-request', field: 'items' },
  { name: 'a negative authorization amount', path: (ids) => `/orders/${ids.placed}/payment/authorize`, body: { amount: -ORDER_TOTAL, method: 'card' }, status: 400, rule: 'invalid-request', field: 'amount' },
  { name: 'a fractional refund amount', path: (ids) => `/orders/${ids.paid}/refund`, body: { amount: 1.5, reason: 'dent' }, status: 400, rule: 'invalid-request', field: 'amount' },
  { name: 'a refund of 0', path: (ids) => `/orders/${ids.paid}/refund`, body: { amount: 0, reason: 'dent' }, status: 400, rule: 'invalid-request', field: 'amount' },
  // codes and enums
  { name: 'a four-letter currency', ...place({ currency: 'EURO' }), status: 400, rule: 'invalid-request', field: 'currency' },
  { name: 'a lower-case currency', ...place({ currency: 'eur' }), status: 400, rule: 'invalid-request', field: 'currency' },
  { name: 'a lower-case country', ...place({ shippingAddress: address({ country: 'gb' }) }), status: 400, rule: 'invalid-request', field: 'shippingAddress.country' },
  { name: 'a three-letter country', ...place({ shippingAddress: address({ country: 'GBR' }) }), status: 400, rule: 'invalid-request', field: 'shippingAddress.country' },
  { name: 'payment method "cash"', path: (ids) => `/orders/${ids.placed}/payment/authorize`, body: { amount: ORDER_TOTAL, method: 'cash' }, status: 400, rule: 'invalid-request', field: 'method' },
  { name: 'checkpoint kind "teleported"', path: (ids) => `/orders/${ids.shipped}/shipment/checkpoints`, body: { ...commandBodies.checkpoint(), kind: 'teleported' }, status: 400, rule: 'invalid-request', field: 'kind' },
  // ids
  { name: 'a non-UUID order id in the path', path: () => '/orders/not-a-uuid/cancel', body: commandBodies.cancel(), status: 400, rule: 'invalid-request', field: 'orderId' },
  { name: 'a non-UUID orderId in the body', ...place({ orderId: '12345' }), status: 400, rule: 'invalid-request', field: 'orderId' },
  // strings
  { name: 'a 201-character address name', ...place({ shippingAddress: address({ name: 'n'.repeat(201) }) }), status: 400, rule: 'invalid-request', field: 'shippingAddress.name' },
  { name: 'a 201-character cancel reason', path: (ids) => `/orders/${ids.placed}/cancel`, body: { reason: 'r'.repeat(201) }, status: 400, rule: 'invalid-request', field: 'reason' },
  { name: 'a 65-character sku', ...place({ items: [item({ sku: 's'.repeat(65) })] }), status: 400, rule: 'invalid-request', field: 'items[0].sku' },
  { name: 'a 65-character customerId', ...place({ customerId: 'c'.repeat(65) }), status: 400, rule: 'invalid-request', field: 'customerId' },
  { name: 'a blank (whitespace-only) city', ...place({ shippingAddress: address({ city: '   ' }) }), status: 400, rule: 'invalid-request', field: 'shippingAddress.city' },
  { name: 'a NUL character in the city', ...place({ shippingAddress: address({ city: 'Lon\u0000don' }) }), status: 400, rule: 'invalid-request', field: 'shippingAddress.city' },
  { name: 'a DEL character in a sku', ...place({ items: [item({ sku: 'SKU\u007f1' })] }), status: 400, rule: 'invalid-request', field: 'items[0].sku' },
  { name: 'a line feed in a carrier', path: (ids) => `/orders/${ids.paid}/shipment`, body: { ...commandBodies.ship(), carrier: 'DH\nL' }, status: 400, rule: 'invalid-request', field: 'carrier' },
  { name: 'a Mongo operator as customerId', ...place({ customerId: { $gt: '' } }), status: 400, rule: 'invalid-request', field: 'customerId' },
  // time
  { name: 'a checkpoint 10 minutes in the future', path: (ids) => `/orders/${ids.shipped}/shipment/checkpoints`, body: { ...commandBodies.checkpoint(), occurredAt: minutesFromNow(10) }, status: 400, rule: 'occurred-at-in-future', field: 'occurredAt' },
  { name: 'a checkpoint time that is not a date', path: (ids) => `/orders/${ids.shipped}/shipment/checkpoints`, body: { ...commandBodies.checkpoint(), occurredAt: 'yesterday' }, status: 400, rule: 'invalid-request', field: 'occurredAt' },
  // headers
  { name: 'an If-Match that is not a quoted version', path: (ids) => `/orders/${ids.placed}/cancel`, body: commandBodies.cancel(), headers: { 'if-match': 'abc' }, status: 400, rule: 'invalid-request', field: 'If-Match' },
  { name: 'a 256-character Idempotency-Key', ...place({}), headers: { 'idempotency-key': 'k'.repeat(256) }, status: 400, rule: 'invalid-request', field: 'Idempotency-Key' },
  { name: 'a non-ASCII Idempotency-Key', ...place({}), headers: { 'idempotency-key': 'cl\u00e9-1' }, status: 400, rule: 'invalid-request', field: 'Idempotency-Key' },
  { name: 'a 129-character X-Correlation-Id', ...place({}), headers: { 'x-correlation-id': 'c'.repeat(129) }, status: 400, rule: 'invalid-request', field: 'X-Correlation-Id' },
];

let harness: CommandServiceHarness;
const ids: Ids = { placed: '', shipped: '', paid: '' };

beforeAll(async () => {
  harness = await startHarness();
  ids.placed = await placeOrder(harness);
  ids.paid = await placeOrder(harness);
  await drive(harness, ids.paid, ['authorize', 'capture']);
  ids.shipped = await placeOrder(harness);
  await drive(harness, ids.shipped, ['authorize', 'capture', 'ship']);
});

afterAll(async () => {
  await harness?.stop();
});

describe('bad input over HTTP', () => {
  it('covers at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('refuses %s without touching the store', async (_name, c) => {
    const before = { events: await harness.eventCount(), idempotency: await harness.idempotencyCount() };

    const answer = await harness.post(c.path(ids), c.body, { raw: c.raw, headers: c.headers });

    expectProblem(answer, c.status, c.rule);
    if (c.field) expect(answer.body.errors).toEqual(expect.arrayContaining([{ path: c.field, message: expect.any(String) }]));
    expect({ events: await harness.eventCount(), idempotency: await harness.idempotencyCount() }).toEqual(before);
  });

  it('stores an SQL-shaped name as plain text', async () => {
    const name = "'; DROP TABLE events; --";
    const before = await harness.eventCount();

    const answer = await harness.post('/orders', orderBody({ items: [item({ name })], shippingAddress: address({ line1: name }) }));

    expect(answer.status).toBe(201);
    expect(await harness.eventCount()).toBe(before + 1);
    const stored = await harness.pg.query<{ data: { items: { name: string }[] } }>('SELECT data FROM events WHERE stream_id = $1', [orderStreamId(answer.body.orderId)]);
    expect(stored.rows[0].data.items[0].name).toBe(name);
  });

  it('stores names with quotes, backslashes and non-Latin letters unchanged', async () => {
    const name = 'O\'Brien "Ø" \\ 東京 😀';
    const answer = await harness.post('/orders', orderBody({ items: [item({ name })] }));

    expect(answer.status).toBe(201);
    const stored = await harness.pg.query<{ data: { items: { name: string }[] } }>('SELECT data FROM events WHERE stream_id = $1', [orderStreamId(answer.body.orderId)]);
    expect(stored.rows[0].data.items[0].name).toBe(name);
  });
});
