import { randomUUID } from 'node:crypto';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FastifyInstance, FastifyRequest, LogController } from 'fastify';
import { Logger } from 'pino';
import { ApiKeyRing, actorOf } from '../auth/api-keys';
import { ServiceMetrics } from '../metrics/metrics';
import { noTracer, Tracer } from '../tracing/tracer.port';
import { answerClientError, answerFrameworkError } from './edge-errors';
import { checkParsedBody, depthProblem, jsonDepthExceeds, MAX_JSON_DEPTH } from './json-body';
import { ProblemFilter, sendProblem } from './problem.filter';
import { problems } from './problem';
import { completeOpenApi, recordServedRoutes } from './openapi';
import { RateLimitSettings, installRateLimit } from './rate-limit';
import { requestContext, setRequestContext } from './request-context';

export const BODY_LIMIT = 1024 * 1024;
const CORRELATION_ID = /^[\x21-\x7E]{1,128}$/;

export interface HttpAppOptions {
  service: string;
  module: Type<unknown> | DynamicModule;
  logger: Logger;
  metrics: ServiceMetrics;
  openApi: { title: string; description: string };
  /** REQUEST_TIMEOUT_MS (default 30000): a request not complete by then gets 408 and its socket closed. */
  requestTimeoutMs?: number;
  /** The request line and headers must arrive within this (default 10000, at most requestTimeoutMs). */
  headersTimeoutMs?: number;
  /** Each request a SERVER span, child of its W3C `traceparent` (issue 15); default: off. */
  tracer?: Tracer;
  /** Per API key: the config's RATE_LIMIT_MAX and RATE_LIMIT_WINDOW_MS. */
  rateLimit: RateLimitSettings;
  /** The keys the rate limit counts by; without them every client is counted by its address. */
  apiKeys?: ApiKeyRing;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

/**
 * One HTTP stack for the three services (API.md "Conventions"): Fastify under Nest, JSON only,
 * 1 MiB bodies, prototype-poisoning refused, correlation ids in and out, problem+json for
 * every error, request metrics and one structured log line per request, OpenAPI at /docs.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<NestFastifyApplication> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout);
  const adapter = new FastifyAdapter({
    requestTimeout,
    // Node checks the timeouts every connectionsCheckingInterval (30 s by default), too coarse for a 10 s header limit.
    http: { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    bodyLimit: BODY_LIMIT,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    genReqId: () => randomUUID(),
    loggerInstance: options.logger,
    // One structured line per request is written by the onResponse hook below, with the correlation id.
    logController: new LogController({ disableRequestLogging: true }),
    // Idle keep-alive sockets close at shutdown; in-flight requests still finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  (options.tracer ?? noTracer).traceRequests(fastify.server);
  await installEdge(fastify, options);
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, { logger: false, abortOnError: false, bodyParser: false });
  app.useGlobalFilters(new ProblemFilter(options.logger));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(options.openApi.title).setDescription(options.openApi.description).setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, completeOpenApi(document), { jsonDocumentUrl: 'docs-json' });
  return app;
}

async function installEdge(fastify: FastifyInstance, options: HttpAppOptions): Promise<void> {
  recordServedRoutes(fastify);
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // JSON only (API.md): any other content type with a body is 415.
  fastify.removeAllContentTypeParsers();
  // A POST whose route takes no fields may send an empty body with a JSON content type.
  // Depth is checked on the text, before any recursive code (the parser, the canonical hash) sees it.
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return done(depthProblem(), undefined);
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      try {
        checkParsedBody(value);
      } catch (problem) {
        return done(problem as Error, undefined);
      }
      done(null, value);
    });
  });

  fastify.addHook('onRequest', async (request, reply) => {
    const header = request.headers['x-correlation-id'];
    const given = Array.isArray(header) ? header[0] : header;
    setRequestContext(request, { requestId: request.id, correlationId: given ?? randomUUID(), receivedAt: new Date() });
    reply.header('x-correlation-id', requestContext(request).correlationId);
    const span = options.tracer?.activeSpan();
    if (span) {
      const route = routeOf(request);
      span.rename(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'ordersource.correlation_id': requestContext(request).correlationId });
    }
    if (given !== undefined && !CORRELATION_ID.test(given)) {
      requestContext(request).correlationId = randomUUID();
      reply.header('x-correlation-id', requestContext(request).correlationId);
      return sendProblem(reply, problems.invalidRequest([{ path: 'X-Correlation-Id', message: 'must be 1-128 printable ASCII characters' }]));
    }
    return undefined;
  });
  // After the correlation id (a 429 carries one and is logged with it), before the body is parsed.
  await installRateLimit(fastify, options.rateLimit, options.apiKeys);

  fastify.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const seconds = reply.elapsedTime / 1000;
    options.metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    const context = safeContext(request);
    options.logger.info(
      { reqId: request.id, correlationId: context?.correlationId, actor: context?.principal && actorOf(context.principal), method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  // Graceful shutdown: close() drops the sockets idle at that moment, but a socket whose request
  // was still in flight turns idle only after its answer and would then be held open by
  // keep-alive (72 s) and stall close(). Answers sent while closing end their connection.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  // Errors, including Fastify's body-parsing ones, reach Nest's handler and so ProblemFilter.
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

function safeContext(request: FastifyRequest) {
  try {
    return requestContext(request);
  } catch {
    return undefined;
  }
}
