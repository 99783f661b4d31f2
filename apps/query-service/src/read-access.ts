import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { JsonObject } from '@ordersource/event-store';
import { Condition, OrderHead, ViewReader } from '@ordersource/read-models';
import { Principal, problems } from '@ordersource/platform';
import { FastifyRequest } from 'fastify';
import { HeadWatch, Look } from './head-watch';
import { HEAD_WATCH, VIEW_READER } from './ports';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_WAIT_MS = 2000;
const MAX_WAIT_MS = 10_000;

export function orderIdParam(value: string): string {
  if (!UUID.test(value)) throw problems.invalidRequest([{ path: 'orderId', message: 'must be a UUID' }]);
  return value.toLowerCase();
}

/** `orderId`: the id or the number the caller asked for. */
export function notFound(orderId: string) {
  return problems.notFound('order-not-found', `Order ${orderId} was not found.`);
}

/**
 * One-order reads: read-your-writes with `X-Min-Version` (wait until the view holds the order
 * at that version, up to `X-Wait-Ms`, else 503) and the customer rule (another customer's
 * order is 404, never 403).
 */
@Injectable()
export class ReadAccess {
  constructor(
    @Inject(VIEW_READER) private readonly store: ViewReader,
    @Inject(HEAD_WATCH) private readonly watch: HeadWatch,
  ) {}

  /** The order's head now, and the progress mark taken before reading it (for `watch.next`). */
  private async lookNow(view: string, orderId: string): Promise<Look> {
    const mark = this.watch.mark();
    return { head: (await this.store.loadHeads(view, [orderId])).get(orderId), mark };
  }

  /** `deadline`: when the request's X-Wait-Ms runs out (a caller that already waited passes its own). */
  async head(view: string, orderId: string, request: FastifyRequest, deadline = Date.now() + waitMsOf(request)): Promise<OrderHead | undefined> {
    const wait = minVersionOf(request);
    let look = await this.lookNow(view, orderId);
    for (;;) {
      if (!wait || (look.head && look.head.version >= wait.minVersion)) return look.head;
      const next = Date.now() < deadline ? await this.watch.next(view, orderId, look.mark, deadline) : undefined;
      if (!next) throw minVersionNotReached(view, orderId, wait.minVersion);
      look = { head: next.head ?? look.head, mark: next.mark };
    }
  }

  /** The view's document for the order, checked against the caller; 404 when unseen or not theirs. */
  async document(view: string, orderId: string, request: FastifyRequest, principal: Principal, deadline = Date.now() + waitMsOf(request)): Promise<JsonObject> {
    const document = (await this.head(view, orderId, request, deadline))?.document;
    if (!document) throw notFound(orderId);
    await this.assertVisible(view, orderId, principal, request, view === 'order-tracking' ? document : undefined, deadline);
    return document;
  }

  /**
   * `GET /orders/by-number/{n}` answers as `GET /orders/{id}`. A customer's lookup only ever
   * searches its own orders, so another customer's number takes exactly the path of an unknown
   * one (the same conditions, 404 or, with X-Min-Version, 503 after X-Wait-Ms), and its answer
   * never names the order id. With X-Min-Version an unseen number waits up to X-Wait-Ms, woken
   * by the view's progress as `head` is: the number comes back from `POST /orders` before the
   * view has the order. The search and the version wait share the one X-Wait-Ms.
   */
  async documentByNumber(orderNumber: string, request: FastifyRequest, principal: Principal): Promise<JsonObject> {
    const wait = minVersionOf(request);
    const deadline = Date.now() + waitMsOf(request);
    const where: Condition[] = [
      { field: 'orderNumber', op: 'eq', value: orderNumber },
      ...(principal.role === 'customer' ? [{ field: 'customerId', op: 'eq' as const, value: principal.customerId as string }] : []),
    ];
    let mark = this.watch.mark();
    let orderId = await this.orderIdWhere(where);
    while (!orderId && wait && Date.now() < deadline) {
      const found = await this.watch.search('order-tracking', where, mark, deadline);
      if (!found) break;
      if (found === 'search-again') {
        mark = this.watch.mark();
        orderId = await this.orderIdWhere(where);
      } else orderId = found.orderId;
    }
    if (orderId) return this.document('order-tracking', orderId, request, principal, deadline);
    if (!wait) throw notFound(orderNumber);
    throw minVersionNotReached('order-tracking', orderNumber, wait.minVersion);
  }

  private async orderIdWhere(where: Condition[]): Promise<string | undefined> {
    const page = await this.store.findPage({ view: 'order-tracking', where, sortBy: 'placedAt', direction: 'desc', limit: 1 });
    return page.items[0]?.orderId as string | undefined;
  }

  /**
   * A customer sees only its own orders, and the order-tracking view says whose an order is.
   * Call it once another view has shown the order exists: the views are projected independently,
   * so the tracking view may not have it yet; it is waited for (as X-Min-Version waits, up to
   * X-Wait-Ms) rather than taken as "not yours".
   */
  async assertVisible(view: string, orderId: string, principal: Principal, request: FastifyRequest, tracking?: JsonObject, deadline = Date.now() + waitMsOf(request)): Promise<void> {
    if (principal.role !== 'customer') return;
    let owner = tracking?.customerId;
    if (owner === undefined) {
      let look: Look | undefined = await this.lookNow('order-tracking', orderId);
      owner = look.head?.document?.customerId;
      while (owner === undefined && look && Date.now() < deadline) {
        look = await this.watch.next('order-tracking', orderId, look.mark, deadline);
        owner = look?.head?.document?.customerId;
      }
    }
    if (owner !== principal.customerId) {
      // Another customer's order answers exactly as an unknown id would (API.md "v1
      // clarifications"; issue 17: 404 fast below its version, 503 above, an oracle for both):
      // with X-Min-Version, an unknown id waits out X-Wait-Ms and answers 503, so this does too.
      const wait = minVersionOf(request);
      if (wait) {
        await sleep(Math.max(0, deadline - Date.now()));
        throw minVersionNotReached(view, orderId, wait.minVersion);
      }
      throw notFound(orderId);
    }
  }
}

function minVersionNotReached(view: string, orderId: string, minVersion: number) {
  return problems.unavailable('min-version-not-reached', `The ${view} view has not reached version ${minVersion} of order ${orderId} yet.`, 1);
}

function minVersionOf(request: FastifyRequest): { minVersion: number; waitMs: number } | undefined {
  const raw = request.headers['x-min-version'];
  if (raw === undefined) return undefined;
  const minVersion = Number(raw);
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || minVersion < 1) {
    throw problems.invalidRequest([{ path: 'X-Min-Version', message: 'must be a positive integer' }]);
  }
  return { minVersion, waitMs: waitMsOf(request) };
}

function waitMsOf(request: FastifyRequest): number {
  const raw = request.headers['x-wait-ms'];
  if (raw === undefined) return DEFAULT_WAIT_MS;
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw) || Number(raw) > MAX_WAIT_MS) {
    throw problems.invalidRequest([{ path: 'X-Wait-Ms', message: `must be an integer from 0 to ${MAX_WAIT_MS}` }]);
  }
  return Number(raw);
}
