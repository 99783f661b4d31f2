import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { createLogger } from '@ordersource/platform';
import { buildConsoleWeb } from '../build/build-web';
import { RunningConsole, startConsole } from './bootstrap';

const LIMITED = { type: 'https://ordersource.dev/problems/rate-limited', title: 'Too many requests', status: 429, detail: 'retry after 7 s.' };

/** The console's server over HTTP: the page, deep links, and forwarding to a recording upstream. */
describe('console server', () => {
  let upstream: FastifyInstance;
  let running: RunningConsole;
  let webDir: string;
  const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'ordersource-console-web-'));
    await buildConsoleWeb(webDir);
    upstream = Fastify();
    upstream.removeAllContentTypeParsers();
    upstream.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    upstream.all('/*', async (request, reply) => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body: String(request.body ?? '') });
      if (request.url.startsWith('/limited')) return reply.code(429).header('retry-after', '7').type('application/problem+json').send(LIMITED);
      return reply.code(request.url.startsWith('/missing') ? 404 : 200).header('etag', '"7"').header('set-cookie', 'x=y').type('application/json').send({ echoed: request.url });
    });
    await upstream.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
    running = await startConsole(
      { port: 0, host: '127.0.0.1', upstreams: { command: url, query: url, projector: 'http://127.0.0.1:1' }, webDir, logLevel: 'silent' },
      { logger: createLogger('console', 'silent'), forwardTimeoutMs: 5000 },
    );
  });

  afterAll(async () => {
    // Every test is done, so nothing is in flight: drop the keep-alive sockets rather than let
    // close() wait on one (CI once saw this hook pass 60 s in close(); cause not found).
    running?.app.server.closeAllConnections();
    await running?.close();
    upstream?.server.closeAllConnections();
    await upstream?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves the page for every route of the page, with a same-origin content security policy', async () => {
    for (const path of ['/', '/orders/3f0c4a4e-9a1b-4c1e-8d8f-1d2a3b4c5d6e?version=2', '/operations']) {
      const response = await fetch(`${running.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
      const html = await response.text();
      const script = /src="(\/assets\/app-[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await fetch(`${running.url}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');
    }
    expect((await fetch(`${running.url}/assets/nothing.js`)).status).toBe(404);
  });

  it("passes a service's 429 through with its Retry-After and problem body (rate limits, issue 17)", async () => {
    const response = await fetch(`${running.url}/api/query/limited`, { headers: { authorization: 'Bearer k1' } });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toEqual(LIMITED);
  });

  it('forwards method, path, query, body and the API headers, and answers with the service’s status and headers', async () => {
    seen.length = 0;
    const response = await fetch(`${running.url}/api/command/orders/1/cancel?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer k1', 'content-type': 'application/json', 'idempotency-key': 'k-1', cookie: 'session=secret' },
      body: '{"reason":"changed my mind"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"7"');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.json()).toEqual({ echoed: '/orders/1/cancel?x=1' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/orders/1/cancel?x=1', body: '{"reason":"changed my mind"}' });
    expect(seen[0].headers).toMatchObject({ authorization: 'Bearer k1', 'idempotency-key': 'k-1' });
    expect(seen[0].headers.cookie).toBeUndefined();

    const missing = await fetch(`${running.url}/api/query/missing`);
    expect(missing.status).toBe(404);
  });

  it('keeps a path that looks like another host on the service', async () => {
    seen.length = 0;
    const response = await fetch(`${running.url}/api/query//evil.example/x`);
    expect(response.status).toBe(200);
    expect(seen[0].url).toBe('//evil.example/x');
  });

  it('answers problem JSON for an unknown service and for a service that is down', async () => {
    const unknown = await fetch(`${running.url}/api/elsewhere/x`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const down = await fetch(`${running.url}/api/projector/projections/audit/rebuild`);
    expect(down.status).toBe(502);
    expect(await down.json()).toMatchObject({ status: 502, type: 'https://ordersource.dev/problems/service-unreachable' });
  });

  it('reports itself ready', async () => {
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
  });
});
