import { existsSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Fastify, { FastifyBaseLogger, FastifyInstance, LogController } from 'fastify';
import fastifyStatic from '@fastify/static';
import { Logger, createLogger } from '@ordersource/platform';
import type { ConsoleConfig } from './console-config';
import { API_PREFIX, problem, registerForwarding } from './forward';

export interface RunningConsole {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * The page may talk to this origin only: scripts, styles, images and API calls. uPlot and
 * Preact set styles through the CSSOM, which `style-src 'self'` allows.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Serves the built page (every route of the page gets index.html) and forwards /api/* to the services. */
export async function startConsole(config: ConsoleConfig, options: { logger?: Logger; forwardTimeoutMs?: number } = {}): Promise<RunningConsole> {
  const logger = options.logger ?? createLogger('console', config.logLevel);
  const index = join(config.webDir, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`the console page is not built (${index} is missing): run \`npm run build:console\``);
  }
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 1024 * 1024, logController: new LogController({ disableRequestLogging: true }) });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async () => ({ status: 'ok', checks: { page: 'ok' } }));
  registerForwarding(app, config.upstreams, options.forwardTimeoutMs ?? 35_000);
  await app.register(fastifyStatic, { root: join(config.webDir, 'assets'), prefix: '/assets/', cacheControl: true, maxAge: '1h' });
  // Deep links (/orders/<id>, /operations, ...) load the page, which routes on the client.
  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return problem(reply, 404, 'not-found', 'Not found', 'No such route.');
    if (request.url.startsWith(API_PREFIX) || request.url.startsWith('/assets/')) return problem(reply, 404, 'not-found', 'Not found', 'No such file.');
    return reply.header('cache-control', 'no-cache').sendFile('index.html', config.webDir);
  });
  await app.listen({ port: config.port, host: config.host });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  logger.info({ url, upstreams: config.upstreams }, 'console listening');
  return { app, url, close: () => app.close() };
}
