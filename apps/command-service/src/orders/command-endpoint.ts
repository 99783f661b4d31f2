import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { OrderCommandType } from '@ordersource/domain';
import { IdempotencyKey, IdempotencyStore, JsonValue } from '@ordersource/event-store';
import { PROBLEM_CONTENT_TYPE, Principal, actorOf, principalOf, problems, requestContext, sendProblem } from '@ordersource/platform';
import canonicalize from 'canonicalize';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandMetrics } from './command-metrics';
import { commandProblem } from './command-problems';
import { CommandContext, OrderCommandMessage, OrderCommandResult } from './order-command';
import { COMMAND_SETTINGS, CommandSettings, IDEMPOTENCY_STORE } from './ports';

const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,255}$/;
const IF_MATCH = /^(?:W\/)?"(\d{1,15})"$/;
/** Answers a repeat of the same Idempotency-Key gets back (API.md "Headers"); 5xx is not among them. */
const STORABLE = new Set([400, 404, 409, 412, 422]);

/** How a command route answers: its command (for metrics) and its success status. */
export interface CommandRoute {
  command: OrderCommandType;
  status: 200 | 201;
}

/**
 * What this HTTP layer keeps with an Idempotency-Key (opaque to the event store): the command's
 * result, which a repeat renders again as the route renders it, or the problem it was refused with.
 */
type IdempotentRecord = OrderCommandResult | Rejected | { answered: JsonValue };
type Rejected = { rejected: { status: number; body: JsonValue; headers: Record<string, string> } };

/**
 * The HTTP side of every order command: checks the query and headers, claims the
 * Idempotency-Key, builds the use case's command (its body validation is part of the stored
 * outcome), sends it on the CommandBus and answers. A repeat is rendered from the first result
 * and marked `Idempotent-Replayed`; a key still in flight is 409; the same key with another body
 * is 422.
 */
@Injectable()
export class CommandEndpoint {
  constructor(
    private readonly bus: CommandBus,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    @Inject(COMMAND_SETTINGS) private readonly settings: CommandSettings,
    private readonly metrics: CommandMetrics,
  ) {}

  async run(request: FastifyRequest, reply: FastifyReply, route: CommandRoute, build: (context: CommandContext) => OrderCommandMessage<unknown>): Promise<FastifyReply> {
    try {
      const context = this.contextOf(request);
      const key = context.idempotency;
      if (!key) return sendResult(reply, route, await this.execute(route, build(context)));
      const claim = await this.idempotency.claim(key, { ttlMs: this.settings.idempotencyTtlMs });
      if (claim.kind === 'completed') return replay(reply, route, claim.result as unknown as IdempotentRecord);
      if (claim.kind === 'in_flight') {
        throw problems.conflict('idempotency-key-in-flight', 'A request with this Idempotency-Key is still being handled; retry shortly.', { 'retry-after': '1' });
      }
      return sendResult(reply, route, await this.executeClaimed(route, key, () => build(context)));
    } catch (error) {
      const problem = commandProblem(error);
      if (problem) return sendProblem(reply, problem);
      throw error;
    }
  }

  /**
   * A write that is not one order's command (`POST /admin/reverts` runs one per order): the same
   * query and header checks and Idempotency-Key rules as `run`, 200 with what `work` answers. A
   * repeat of the key gets the first answer (or the first refusal) back. `work` gets a context
   * without the key and without If-Match: the commands it sends are each their own append, and
   * the key stands for the whole request, so it is completed once `work` has answered.
   */
  async runWrite(request: FastifyRequest, reply: FastifyReply, work: (context: CommandContext) => Promise<JsonValue>): Promise<FastifyReply> {
    try {
      const { idempotency: key, expectedVersion: _ifMatch, ...context } = this.contextOf(request);
      if (!key) return reply.status(200).send(await work(context));
      const claim = await this.idempotency.claim(key, { ttlMs: this.settings.idempotencyTtlMs });
      if (claim.kind === 'completed') {
        const record = claim.result as unknown as IdempotentRecord;
        reply.header('idempotent-replayed', 'true');
        if ('answered' in record) return reply.status(200).send(record.answered);
        if ('rejected' in record) return replayRejected(reply, record);
        throw new Error('the Idempotency-Key holds a command result, not a write answer');
      }
      if (claim.kind === 'in_flight') {
        throw problems.conflict('idempotency-key-in-flight', 'A request with this Idempotency-Key is still being handled; retry shortly.', { 'retry-after': '1' });
      }
      let answered: JsonValue;
      try {
        answered = await work(context);
      } catch (error) {
        await this.settle(key, error);
        throw error;
      }
      await this.idempotency.complete(key, { answered }, { ttlMs: this.settings.idempotencyTtlMs });
      return reply.status(200).send(answered);
    } catch (error) {
      const problem = commandProblem(error);
      if (problem) return sendProblem(reply, problem);
      throw error;
    }
  }

  /**
   * A request that decides but appends nothing (a dry run): the same query and header checks
   * and problem answers as a command, no Idempotency-Key claim (there is no effect to protect,
   * and a claim would be a write), 200 with what `answerOf` returns.
   */
  async answer(request: FastifyRequest, reply: FastifyReply, answerOf: (context: CommandContext) => Promise<object>): Promise<FastifyReply> {
    try {
      return reply.status(200).send(await answerOf(this.contextOf(request)));
    } catch (error) {
      const problem = commandProblem(error);
      if (problem) return sendProblem(reply, problem);
      throw error;
    }
  }

  /**
   * Runs a command under its claimed key and completes the key with the outcome. The append
   * already recorded a result in its own transaction; completing again with the same result is
   * a no-op there, and it is the only record of an outcome that appended nothing.
   */
  private async executeClaimed(route: CommandRoute, key: IdempotencyKey, build: () => OrderCommandMessage<unknown>): Promise<OrderCommandResult> {
    const ttl = { ttlMs: this.settings.idempotencyTtlMs };
    let result: OrderCommandResult;
    try {
      result = await this.execute(route, build());
    } catch (error) {
      await this.settle(key, error);
      throw error;
    }
    await this.idempotency.complete(key, { ...result }, ttl);
    return result;
  }

  /** A claimed key whose request failed: a refusal a repeat should get again is stored, anything else releases it. */
  private async settle(key: IdempotencyKey, error: unknown): Promise<void> {
    const problem = commandProblem(error);
    if (problem && STORABLE.has(problem.status) && problem.rule !== 'idempotency-key-in-flight') {
      const headers = { 'content-type': PROBLEM_CONTENT_TYPE, ...problem.headers };
      const rejected: Rejected = { rejected: { status: problem.status, body: problem.toBody() as JsonValue, headers } };
      await this.idempotency.complete(key, rejected, { ttlMs: this.settings.idempotencyTtlMs });
    } else {
      await this.idempotency.release(key);
    }
  }

  private async execute(route: CommandRoute, message: OrderCommandMessage<unknown>): Promise<OrderCommandResult> {
    const stopTimer = this.metrics.latency.startTimer({ command: route.command });
    try {
      const result = await this.bus.execute(message);
      this.metrics.commands.inc({ command: route.command, outcome: String(route.status) });
      return result;
    } catch (error) {
      this.metrics.commands.inc({ command: route.command, outcome: String(commandProblem(error)?.status ?? 'error') });
      throw error;
    } finally {
      stopTimer();
    }
  }

  private contextOf(request: FastifyRequest): CommandContext {
    const query = request.query as Record<string, unknown> | undefined;
    const unknown = Object.keys(query ?? {});
    if (unknown.length > 0) throw problems.invalidRequest(unknown.map((path) => ({ path, message: 'is not a known query parameter' })));
    const edge = requestContext(request);
    const principal = principalOf(request);
    return {
      principal,
      actor: actorOf(principal),
      correlationId: edge.correlationId,
      requestId: edge.requestId,
      now: edge.receivedAt.toISOString(),
      expectedVersion: ifMatch(request.headers['if-match']),
      idempotency: this.idempotencyKey(request, principal),
    };
  }

  /** Only a request with an Idempotency-Key pays for its scope and its body's canonical HMAC (issue 18). */
  private idempotencyKey(request: FastifyRequest, principal: Principal): IdempotencyKey | undefined {
    const header = request.headers['idempotency-key'];
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
      throw problems.invalidRequest([{ path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
    }
    const requestHash = createHmac('sha256', this.settings.requestHashKey).update(canonicalize(request.body ?? {}) ?? '').digest('hex');
    return { scope: idempotencyScope(request, principal), key: header, requestHash };
  }
}

/**
 * API.md "v1 clarifications": a key is scoped to (role, key subject, the route's template, the
 * canonical resource id). The template and the decoded, lower-cased id make `/orders/ABC...`,
 * `%2D`-escaped and other aliases of one order one scope (a raw URL made them three, and a
 * refund ran three times); the role keeps a customer whose id equals a staff key's name apart.
 */
function idempotencyScope(request: FastifyRequest, principal: Principal): string {
  const orderId = (request.params as { orderId?: unknown } | undefined)?.orderId;
  return JSON.stringify([principal.role, principal.subject, `${request.method} ${request.routeOptions.url}`, typeof orderId === 'string' ? orderId.toLowerCase() : null]);
}

function ifMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? IF_MATCH.exec(header.trim()) : null;
  if (!match) throw problems.invalidRequest([{ path: 'If-Match', message: 'must be a quoted version number, e.g. "3"' }]);
  return Number(match[1]);
}

function sendResult(reply: FastifyReply, route: CommandRoute, result: OrderCommandResult): FastifyReply {
  const { orderId, version, position, status, orderNumber } = result;
  // orderNumber: PlaceOrder's answer only (issue 15); the other commands answer the four fields.
  return reply.status(route.status).header('etag', `"${version}"`).send({ orderId, version, position, status, ...(orderNumber ? { orderNumber } : {}) });
}

function replay(reply: FastifyReply, route: CommandRoute, record: IdempotentRecord): FastifyReply {
  reply.header('idempotent-replayed', 'true');
  if ('answered' in record) throw new Error('the Idempotency-Key holds a write answer, not a command result');
  if (!('rejected' in record)) return sendResult(reply, route, record);
  return replayRejected(reply, record);
}

function replayRejected(reply: FastifyReply, record: Rejected): FastifyReply {
  return reply.status(record.rejected.status).headers(record.rejected.headers).send(record.rejected.body);
}
