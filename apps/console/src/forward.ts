import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Upstreams } from './console-config';

/**
 * Same-origin forwarding: the page calls /api/<service>/<path> on the console, which sends it to
 * that service's public API with the caller's own headers. The key therefore never goes to
 * another origin and no service needs CORS. The console adds nothing and decides nothing.
 */
export const API_PREFIX = '/api/';

/** What a client of the services may send (API.md "Headers"); cookies and the rest stay here. */
const REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'if-match',
  'idempotency-key',
  'x-correlation-id',
  'x-min-version',
  'x-wait-ms',
  'traceparent',
  'tracestate',
];
const RESPONSE_HEADERS = ['content-type', 'etag', 'retry-after', 'x-correlation-id', 'www-authenticate', 'location'];

export interface ForwardTarget {
  service: keyof Upstreams;
  url: string;
}

/**
 * `/api/query/orders/1?x=y` -> `<query service>/orders/1?x=y`. The rest of the path is appended
 * to the configured origin as text (never resolved as a URL reference), so `//elsewhere/...`
 * cannot leave that origin.
 */
export function forwardTarget(upstreams: Upstreams, requestUrl: string): ForwardTarget | undefined {
  if (!requestUrl.startsWith(API_PREFIX)) return undefined;
  const rest = requestUrl.slice(API_PREFIX.length);
  const slash = rest.search(/[/?]/);
  const name = slash === -1 ? rest : rest.slice(0, slash);
  if (!Object.prototype.hasOwnProperty.call(upstreams, name)) return undefined;
  const service = name as keyof Upstreams;
  let path = slash === -1 ? '/' : rest.slice(slash);
  if (path.startsWith('?')) path = `/${path}`;
  return { service, url: `${upstreams[service]}${path}` };
}

export function pickHeaders(headers: Record<string, string | string[] | undefined> | Headers, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers instanceof Headers ? headers.get(name) : headers[name];
    if (value === undefined || value === null) continue;
    picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}

export function forwardedRequestHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return pickHeaders(headers, REQUEST_HEADERS);
}

export function forwardedResponseHeaders(headers: Headers): Record<string, string> {
  return pickHeaders(headers, RESPONSE_HEADERS);
}

export function registerForwarding(app: FastifyInstance, upstreams: Upstreams, timeoutMs: number): void {
  // Bodies are passed through untouched: the service validates them (and answers 415/413/400).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const target = forwardTarget(upstreams, request.url);
    if (!target) {
      return problem(reply, 404, 'unknown-service', 'Not found', 'The console forwards /api/command/, /api/query/ and /api/projector/ only.');
    }
    const body = request.body instanceof Buffer && request.method !== 'GET' && request.method !== 'HEAD' ? request.body : undefined;
    let answer: Response;
    try {
      answer = await fetch(target.url, {
        method: request.method,
        headers: forwardedRequestHeaders(request.headers),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      request.log.warn({ upstream: target.service, err: error }, 'console: service unreachable');
      return problem(reply, 502, 'service-unreachable', 'Bad gateway', `The ${target.service} service did not answer; it may be starting or down.`);
    }
    const payload = Buffer.from(await answer.arrayBuffer());
    return reply.code(answer.status).headers(forwardedResponseHeaders(answer.headers)).send(payload);
  };
  app.all(`${API_PREFIX}*`, forward);
}

export function problem(reply: FastifyReply, status: number, rule: string, title: string, detail: string) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `https://ordersource.dev/problems/${rule}`, title, status, detail }));
}
