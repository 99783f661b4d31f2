import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { loadConfig } from '@ordersource/platform';
import { TestDatabase, createTestDatabase } from '@ordersource/testing/postgres';
import { RunningCommandService, startCommandService } from '../src/bootstrap';
import { API_KEYS, CommandServiceHarness, commandBodies, commandPaths, drive, expectProblem, keys, orderBody, placeOrder, startHarness } from './command-service.harness';
import { RawAnswer, rawRequest } from '@ordersource/testing/raw-http';

/**
 * API.md "v1 clarifications" (issue 17): whatever the HTTP layer itself refuses is problem
 * JSON, a closed socket says `Connection: close`, a stalled request gets 408; values a store
 * would refuse are 400 at the edge and append nothing; country and currency are real codes.
 */
let harness: CommandServiceHarness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

function expectRawProblem(answer: RawAnswer, status: number, rule: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(answer.body) as { type: string; status: number; title: string; detail: string };
  expect(body).toEqual(expect.objectContaining({ type: expect.stringMatching(new RegExp(`/problems/${rule}$`)), status, title: expect.any(String), detail: expect.any(String) }));
}

const auth = `Authorization: Bearer ${keys.admin}\r\n`;

describe('errors of the HTTP layer', () => {
  it('answers a path with bad percent-encoding 400 problem JSON', async () => {
    const answer = await rawRequest(harness.url, `POST /orders/%ZZ/cancel HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 0\r\n\r\n`);
    expectRawProblem(answer, 400, 'invalid-request');
  });

  it('answers a path parameter over the length limit 414 problem JSON', async () => {
    const answer = await rawRequest(harness.url, `POST /orders/${'a'.repeat(500)}/cancel HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 0\r\n\r\n`);
    expectRawProblem(answer, 414, 'uri-too-long');
  });

  it('answers headers over the size limit 431 problem JSON and closes with Connection: close', async () => {
    const answer = await rawRequest(harness.url, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expectRawProblem(answer, 431, 'headers-too-large');
    expect([answer.headers.connection, answer.closed]).toEqual(['close', true]);
  });

  it('answers broken framing 400 problem JSON and closes with Connection: close', async () => {
    const answer = await rawRequest(harness.url, `POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nContent-Length: 13\r\n\r\n{}`);
    expectRawProblem(answer, 400, 'bad-request-framing');
    expect([answer.headers.connection, answer.closed]).toEqual(['close', true]);
  });

  it('answers a garbage request line 400 problem JSON', async () => {
    const answer = await rawRequest(harness.url, 'HELLO\r\n\r\n');
    expectRawProblem(answer, 400, 'bad-request-framing');
  });
});

describe('values a store would refuse', () => {
  it('refuses a body nested deeper than 32 levels with 400, storing nothing', async () => {
    const [events, records] = [await harness.eventCount(), await harness.idempotencyCount()];
    const deep = `{"customerId":"cust-a","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;

    const answer = await harness.post('/orders', undefined, { raw: deep, headers: { 'idempotency-key': 'deep-1' } });

    expectProblem(answer, 400, 'malformed-json');
    expect([await harness.eventCount(), await harness.idempotencyCount()]).toEqual([events, records]);
  });

  it('accepts nesting up to 32 levels as far as the parser goes (the schema then decides)', async () => {
    const answer = await harness.post('/orders', undefined, { raw: JSON.stringify({ ...orderBody(), x: JSON.parse(`${'['.repeat(30)}${']'.repeat(30)}`) }) });
    expectProblem(answer, 400, 'invalid-request');
    expect(answer.body.errors).toEqual([{ path: 'x', message: 'is not a known field' }]);
  });

  it('refuses a number too large to represent (1e400) with 400, storing nothing', async () => {
    const events = await harness.eventCount();
    const raw = JSON.stringify(orderBody()).replace('"unitPrice":1500', '"unitPrice":1e400');

    const answer = await harness.post('/orders', undefined, { raw, headers: { 'idempotency-key': 'huge-1' } });

    expectProblem(answer, 400, 'invalid-request');
    expect(answer.body.errors).toEqual([{ path: 'items[0].unitPrice', message: 'must be a finite number' }]);
    expect(await harness.eventCount()).toBe(events);
  });

  it('refuses a checkpoint and a delivery in year 0000 with 400, storing nothing', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize', 'capture', 'ship']);
    const events = await harness.eventCount();

    const checkpoint = await harness.post(commandPaths.checkpoint(orderId), { ...commandBodies.checkpoint(), occurredAt: '0000-01-01T00:00:00.000Z' });
    const deliver = await harness.post(commandPaths.deliver(orderId), { occurredAt: '0000-06-01T00:00:00.000Z' });

    expectProblem(checkpoint, 400, 'invalid-request');
    expectProblem(deliver, 400, 'invalid-request');
    expect(checkpoint.body.errors).toEqual([{ path: 'occurredAt', message: 'must match format "date-time"' }]);
    expect(await harness.eventCount()).toBe(events);
  });

  it('refuses a country and a currency that are not on the ISO lists, and takes real ones', async () => {
    const xx = await harness.post('/orders', orderBody({ shippingAddress: { ...(orderBody().shippingAddress as object), country: 'XX' } }));
    const zzz = await harness.post('/orders', orderBody({ currency: 'ZZZ' }));
    const real = await harness.post('/orders', orderBody({ currency: 'JPY', shippingAddress: { ...(orderBody().shippingAddress as object), country: 'JP' } }));

    expectProblem(xx, 400, 'invalid-request');
    expect(xx.body.errors).toEqual([{ path: 'shippingAddress.country', message: 'must match format "iso-3166-alpha-2"' }]);
    expectProblem(zzz, 400, 'invalid-request');
    expect(zzz.body.errors).toEqual([{ path: 'currency', message: 'must match format "iso-4217"' }]);
    expect(real.status).toBe(201);
  });
});

describe('forgetting a customer by id', () => {
  it.each(['..%2F..%2Fx', 'a%2Fb', 'a%5Cb', 'x..'])('refuses the path-traversal-like id %s with 400', async (id) => {
    const answer = await harness.post(`/admin/customers/${id}/forget`);
    expectProblem(answer, 400, 'invalid-request');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'customerId' })]);
  });

  it('answers a customer it has never seen like any other forget (an erasure is idempotent)', async () => {
    const answer = await harness.post('/admin/customers/never-seen-customer/forget');
    expect([answer.status, answer.body.customerId]).toEqual([200, 'never-seen-customer']);
  });
});

describe('timeouts and binding', () => {
  let db: TestDatabase;
  let service: RunningCommandService;

  beforeAll(async () => {
    db = await createTestDatabase('os_cmd_edge');
    const secret = () => randomBytes(32).toString('base64');
    // No host given: the service binds what the configuration says, 127.0.0.1 without HOST.
    service = await startCommandService({
      ...loadConfig({ REQUEST_TIMEOUT_MS: '600' }),
      databaseUrl: db.url,
      ports: { command: 0, query: 0, projector: 0 },
      apiKeys: API_KEYS,
      masterKey: secret(),
      chainKey: secret(),
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await service?.close().catch(() => undefined);
    await db?.drop();
  });

  it('listens on 127.0.0.1 only unless HOST is set', () => {
    expect((service.app.getHttpServer().address() as AddressInfo).address).toBe('127.0.0.1');
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('answers a body that stalls past REQUEST_TIMEOUT_MS with 408 problem JSON and closes the socket', async () => {
    const answer = await rawRequest(service.url, `POST /orders HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"customerId":`);
    expectRawProblem(answer, 408, 'request-timeout');
    expect([answer.headers.connection, answer.closed]).toEqual(['close', true]);
  });
});
