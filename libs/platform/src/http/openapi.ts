import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem';

/**
 * The OpenAPI documents of the three services (issue 17: they lacked X-Wait-Ms, If-Match,
 * X-Min-Version on /payments/{id} and /shipments/{id}, servers, a license and any 4xx on 11
 * operations). What every route has because of the shared HTTP stack (the correlation header,
 * 400/408/429/500/503 problem answers, 401/403 behind a key, 413/415 with a body, 404 with an
 * id) is added here to every operation, so a new route documents only what is its own: its
 * summary, parameters, body, 2xx answer and its own problems (`ApiProblems(409, 412)`).
 */

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details; `type` ends in the rule name',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://ordersource.dev/problems/order-not-paid' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid request: malformed JSON, a missing, wrong or unknown field or query parameter, a bad header (`errors` names each)',
  401: 'No or unknown API key',
  403: 'This role may not use this route',
  404: 'Not found (also an order this customer may not see)',
  408: 'The request did not complete within REQUEST_TIMEOUT_MS; the socket is closed',
  409: 'Conflict: not allowed in the current state (`type` names the rule)',
  412: '`If-Match` differs from the current version',
  413: 'Body over 1 MiB',
  415: 'Body not `application/json`',
  422: 'Unprocessable: `Idempotency-Key` reused with another body, or the rule `type` names',
  429: 'Over the rate limit of this API key (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); see `Retry-After`',
  500: 'Server error (logged; never for bad input)',
  503: 'A store or broker is unavailable, or the service is shutting down; see `Retry-After`',
};

const RETRY_AFTER = { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } };
const CORRELATION = { description: 'The request\'s correlation id (echoed, or generated)', schema: { type: 'string' } };
const PROBE_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** A route's own problem answers; `description` overrides the generic text of a status. */
export function ApiProblems(...answers: (number | { status: number; description: string })[]) {
  return applyDecorators(
    ...answers.map((answer) => {
      const { status, description } = typeof answer === 'number' ? { status: answer, description: PROBLEM_TEXT[answer] } : answer;
      return ApiResponse({ status, description, content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } } });
    }),
  );
}

/** `X-Min-Version` and `X-Wait-Ms` (API.md "Headers"): on every GET of one order. */
export function ApiMinVersion() {
  return applyDecorators(
    ApiHeader({ name: 'X-Min-Version', required: false, description: 'wait until this view holds the order at this version (a positive integer)', schema: { type: 'integer', minimum: 1 } }),
    ApiHeader({ name: 'X-Wait-Ms', required: false, description: 'how long X-Min-Version waits (default 2000, at most 10000), else 503', schema: { type: 'integer', minimum: 0, maximum: 10000 } }),
    ApiProblems({ status: 503, description: 'X-Min-Version not reached within X-Wait-Ms (`min-version-not-reached`), or a dependency is unavailable; see `Retry-After`' }),
  );
}

/** A 200 answer that carries `ETag: "<version>"` (commands and the one-order views). */
export function ApiAnswerWithEtag(description: string, status = 200) {
  return ApiResponse({ status, description, headers: { ETag: { description: '`"<version>"`: the order version this answer shows', schema: { type: 'string' } } } });
}

type Operation = {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { description?: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  security?: unknown[];
  requestBody?: unknown;
};

/** Adds what the shared HTTP stack gives every route (see the file comment) and the document's own fields. */
export function completeOpenApi(document: OpenAPIObject): OpenAPIObject {
  document.info.license = { name: 'MIT', url: 'https://opensource.org/license/mit' };
  document.servers = [{ url: '/', description: 'this service (the document is served by it at /docs-json)' }];
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const operation = value as Operation;
      const open = !operation.security || operation.security.length === 0;
      if (open) operation.security = [];
      operation.parameters = operation.parameters ?? [];
      if (!operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'x-correlation-id')) {
        operation.parameters.push({ name: 'X-Correlation-Id', in: 'header', required: false, description: '1-128 printable ASCII; generated when absent', schema: { type: 'string', maxLength: 128 } } as never);
      }
      const statuses = [400, 408, 500, 503];
      if (!open) statuses.push(401, 403);
      if (!PROBE_PATHS.has(path)) statuses.push(429);
      if (path.includes('{')) statuses.push(404);
      if (method === 'post' || operation.requestBody) statuses.push(413, 415);
      for (const status of statuses) operation.responses[status] ??= { description: PROBLEM_TEXT[status] };
      // Nest leaves out its default answer once a route declares any other; put it back as Nest would.
      if (!Object.keys(operation.responses).some((status) => status.startsWith('2'))) operation.responses[method === 'post' ? 201 : 200] = { description: 'OK' };
      for (const [status, response] of Object.entries(operation.responses)) {
        response.headers = { 'X-Correlation-Id': CORRELATION, ...response.headers };
        if (Number(status) < 400) continue;
        response.content ??= { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } };
        if (['409', '429', '503'].includes(status)) response.headers['Retry-After'] = RETRY_AFTER;
      }
    }
  }
  return document;
}

/** Every route the router holds, as `METHOD /path/{param}` (HEAD twins of GETs left out). */
const SERVED = new WeakMap<object, Set<string>>();

export function recordServedRoutes(fastify: FastifyInstance): void {
  const served = new Set<string>();
  SERVED.set(fastify, served);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') served.add(`${method} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    }
  });
}

/** The routes a service's router answers (recorded as they were added), for the document's test. */
export function servedRoutes(fastify: object): string[] {
  return [...(SERVED.get(fastify) ?? [])].sort();
}
