import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/access.guard';
import type { ApiKeyRing } from '../auth/api-keys';
import { sendProblem } from './problem.filter';
import { problems } from './problem';

/** RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_MS for each API key (each client address without one); max 0: off. */
export interface RateLimitSettings {
  max: number;
  windowMs: number;
}

/** Probes and scrapers are never limited: a limited readiness probe would take a healthy instance out. */
const EXEMPT_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Rate limits per key (issue 17) with @fastify/rate-limit's in-memory store, so each process
 * (each COMMAND_WORKERS worker too) counts its own requests. A known key is counted by its
 * fingerprint, whatever its role; a request without one (or with an unknown one) by the client
 * address, so guessing keys does not buy a fresh allowance. Answered 429 problem JSON with
 * `Retry-After`, before anything else runs (no body parsed, nothing stored).
 */
export async function installRateLimit(fastify: FastifyInstance, settings: RateLimitSettings, keys: ApiKeyRing | undefined): Promise<void> {
  if (settings.max === 0) return;
  await fastify.register(rateLimit, { global: false });
  const limit = fastify.createRateLimit({
    max: settings.max,
    timeWindow: settings.windowMs,
    keyGenerator: (request) => limitKey(request, keys),
    allowList: (request) => EXEMPT_ROUTES.has(request.routeOptions.url ?? ''),
  });
  fastify.addHook('onRequest', async (request, reply) => {
    const outcome = await limit(request);
    if (outcome.isAllowed || !outcome.isExceeded) return undefined;
    return sendProblem(reply, problems.tooManyRequests(settings, Math.max(1, outcome.ttlInSeconds)));
  });
}

function limitKey(request: FastifyRequest, keys: ApiKeyRing | undefined): string {
  const token = keys && !keys.authDisabled ? bearerToken(request.headers.authorization) : undefined;
  if (token && keys?.authenticate(token)) return `key:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
  return `address:${request.ip}`;
}
