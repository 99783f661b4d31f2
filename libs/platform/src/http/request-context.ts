import { FastifyRequest } from 'fastify';
import { Principal } from '../auth/api-keys';

/** What the edge learned about a request: who, and which correlation chain it belongs to. */
export interface RequestContext {
  /** The request's own id: stored as each event's causationId. */
  requestId: string;
  correlationId: string;
  principal?: Principal;
  receivedAt: Date;
}

const CONTEXT = Symbol('ordersource.requestContext');

type WithContext = FastifyRequest & { [CONTEXT]?: RequestContext };

export function setRequestContext(request: FastifyRequest, context: RequestContext): void {
  (request as WithContext)[CONTEXT] = context;
}

export function requestContext(request: FastifyRequest): RequestContext {
  const context = (request as WithContext)[CONTEXT];
  if (!context) throw new Error('request context missing: is the platform onRequest hook installed?');
  return context;
}

/** The authenticated caller; the auth guard has run, so a protected route always has one. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = requestContext(request).principal;
  if (!principal) throw new Error('no principal on a protected route');
  return principal;
}
