import { randomBytes } from 'node:crypto';
import { loadConfig } from '@ordersource/platform';
import { eventually } from '@ordersource/testing/eventually';
import { TestDatabase, createTestDatabase } from '@ordersource/testing/postgres';
import { RunningCommandService, startCommandService } from '../src/bootstrap';
import { API_KEYS, keys, orderBody } from './command-service.harness';
import { TcpProxy, startTcpProxy } from './tcp-proxy';

/**
 * API.md "v1 clarifications": a dependency failure never ends a process. With PostgreSQL away
 * the service answers 503 (problem JSON, Retry-After) and is unready; when it returns, the
 * service answers again by itself, and what it acknowledged before is still there.
 */
let db: TestDatabase;
let proxy: TcpProxy;
let service: RunningCommandService;

const post = (path: string, body: unknown) =>
  fetch(`${service.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  db = await createTestDatabase('os_cmd_outage');
  const target = new URL(db.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const secret = () => randomBytes(32).toString('base64');
  service = await startCommandService({
    ...loadConfig({}),
    databaseUrl: viaProxy.toString(),
    ports: { command: 0, query: 0, projector: 0 },
    apiKeys: API_KEYS,
    masterKey: secret(),
    chainKey: secret(),
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await service?.close().catch(() => undefined);
  await proxy?.close();
  await db?.drop();
});

describe('PostgreSQL going away and coming back', () => {
  it('answers 503 problem JSON and is unready while it is away, then recovers by itself', async () => {
    const before = await post('/orders', orderBody());
    expect(before.status).toBe(201);
    const placed = (await before.json()) as { orderId: string };

    await proxy.cut();
    const during = await post('/orders', orderBody());
    const ready = await fetch(`${service.url}/health/ready`);

    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await during.json()) as { type: string }).type).toMatch(/\/problems\/dependency-unavailable$/);
    expect(ready.status).toBe(503);

    await proxy.restore();
    await eventually('the service is ready again', async () => (await fetch(`${service.url}/health/ready`)).status === 200);
    const after = await post('/orders', orderBody());
    expect(after.status).toBe(201);
    const kept = await post(`/orders/${placed.orderId}/cancel`, { reason: 'changed my mind' });
    expect(kept.status).toBe(200);
  });
});
