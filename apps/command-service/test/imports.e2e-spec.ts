import { rawRequest } from '@ordersource/testing/raw-http';
import { CommandServiceHarness, keys, startHarness } from './command-service.harness';

const ndjson = { 'content-type': 'application/x-ndjson' };

function historyLine(orderId: string | undefined, placedAt: string, steps: object[] = []) {
  return JSON.stringify({
    ...(orderId ? { orderId } : {}),
    customerId: 'cust-hist',
    currency: 'EUR',
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 2500 }],
    shippingAddress: { name: 'Grace Hopper', line1: '1 Compiler Street', city: 'Arlington', postalCode: '22201', country: 'US' },
    placedAt,
    steps,
  });
}

describe('POST /admin/imports', () => {
  let h: CommandServiceHarness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.stop();
  });

  const paid = [
    { command: 'authorize', at: '2026-02-01T10:01:00.000Z', amount: 2500, method: 'paypal' },
    { command: 'capture', at: '2026-02-01T10:02:00.000Z' },
  ];
  const file = [
    historyLine('0c5b3a1e-2d4f-4e6a-9b8c-7d6e5f4a3b2c', '2026-02-01T10:00:00.000Z', paid),
    historyLine(undefined, '2026-02-02T10:00:00.000Z', [{ command: 'capture', at: '2026-02-02T10:05:00.000Z' }]),
    historyLine(undefined, '2026-02-03T10:00:00.000Z', [{ command: 'cancel', at: '2026-02-03T11:00:00.000Z', reason: 'changed mind' }]),
  ].join('\n');

  it('imports the legal lines with actor import:<role>:<key name> and the request correlation id, and names the illegal ones', async () => {
    const answer = await h.post('/admin/imports', undefined, { raw: file, headers: { ...ndjson, 'x-correlation-id': 'import-run-1' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      correlationId: 'import-run-1',
      lines: 3,
      imported: 2,
      rejected: [{ line: 2, type: 'payment-not-authorized', detail: expect.stringContaining('steps[0]') }],
    });
    const { rows } = await h.pg.query<{ actor: string; correlation: string; occurred_at: Date }>(
      "SELECT metadata->>'actor' AS actor, metadata->>'correlationId' AS correlation, occurred_at FROM events ORDER BY occurred_at",
    );
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((row) => `${row.actor} ${row.correlation}`))).toEqual(new Set(['import:admin:adm import-run-1']));
    expect(rows[0].occurred_at.toISOString()).toBe('2026-02-01T10:00:00.000Z');
    expect(await h.streamVersions('0c5b3a1e-2d4f-4e6a-9b8c-7d6e5f4a3b2c')).toEqual([1, 2, 3]);
  });

  it('appends nothing when the same file is imported again', async () => {
    const before = await h.eventCount();
    const answer = await h.post('/admin/imports', undefined, { raw: file, headers: ndjson });
    expect(answer.body).toMatchObject({ imported: 0, alreadyImported: 2, rejected: [{ line: 2 }] });
    expect(await h.eventCount()).toBe(before);
  });

  it('is for admins only, takes NDJSON only, and other routes still refuse NDJSON', async () => {
    expect((await h.post('/admin/imports', undefined, { raw: file, headers: ndjson, key: keys.operator })).status).toBe(403);
    const json = await h.post('/admin/imports', { orders: [] });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    const elsewhere = await h.post('/orders', undefined, { raw: file, headers: ndjson });
    expect(elsewhere.status).toBe(415);
    expect(elsewhere.body.type).toMatch(/unsupported-media-type$/);
  });

  it('answers 413 at once when the declared body is over 100 MiB', async () => {
    // fetch refuses a content-length that disagrees with the body it sends: a raw socket does not.
    const answer = await rawRequest(
      h.url,
      `POST /admin/imports HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${keys.admin}\r\ncontent-type: application/x-ndjson\r\ncontent-length: ${101 * 1024 * 1024}\r\n\r\n{}`,
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('payload-too-large');
  });
});
