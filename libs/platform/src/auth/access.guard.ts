import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { problems } from '../http/problem';
import { requestContext } from '../http/request-context';
import { ApiKeyRing, Role } from './api-keys';

export const API_KEY_RING = Symbol('ApiKeyRing');
const ACCESS = 'ordersource:access';

/** The roles that may call a route (API.md's role table); `'open'` needs no key (health, docs). */
export const Access = (...roles: Role[] | ['open']) => SetMetadata(ACCESS, roles);

/** The key of `Authorization: Bearer <key>`, or undefined for any other header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? /^Bearer\s+(\S{1,512})$/i.exec(header.trim())?.[1] : undefined;
}

/**
 * Every route must declare its access: a route without `@Access` is refused, so a forgotten
 * decorator fails closed rather than open.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_RING) private readonly keys: ApiKeyRing,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<string[] | undefined>(ACCESS, [context.getHandler(), context.getClass()]);
    if (allowed?.[0] === 'open') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    const principal = this.keys.authDisabled ? this.keys.authenticate('') : token ? this.keys.authenticate(token) : undefined;
    if (!principal) throw problems.unauthorized();
    requestContext(request).principal = principal;
    if (!allowed || !allowed.includes(principal.role)) throw problems.forbidden();
    return true;
  }
}
