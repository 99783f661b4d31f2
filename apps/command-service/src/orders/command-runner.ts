import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IdempotencyKeyReusedError, IdempotencyStore, JsonValue } from '@ordersource/event-store';
import { ProblemError, PROBLEM_CONTENT_TYPE, principalOf, problems, requestContext, sendProblem } from '@ordersource/platform';
import canonicalize from 'canonicalize';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandAnswer, CommandContext, OrderCommandMessage } from './order-command.message';
import { COMMAND_SETTINGS, CommandSettings, IDEMPOTENCY_STORE } from './ports';

const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,255}$/;
const IF_MATCH = /^(?:W\/)?"(\d{1,15})"$/;
/** Answers a repeat of the same Idempotency-Key gets back (API.md "Headers"); 5xx is not among them. */
const STORABLE = new Set([400, 404, 409, 412, 422]);

/**
 * Runs one command request: checks the query and headers, claims the Idempotency-Key, builds
 * the use case's command (its body validation is part of the stored outcome), sends it on the
 * CommandBus and answers. Stored answers are replayed byte for byte; a key still in flight is
 * 409; the same key with another body is 422.
 */
@Injectable()
export class CommandRunner {
  constructor(
    private readonly bus: CommandBus,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    @Inject(COMMAND_SETTINGS) private readonly settings: CommandSettings,
  ) {}

  async run(
    request: FastifyRequest,
    reply: FastifyReply,
    orderId: string,
    build: (context: CommandContext) => OrderCommandMessage<unknown>,
  ): Promise<FastifyReply> {
    try {
      const context = this.contextOf(request, orderId);
      if (!context.idempotency) return send(reply, await this.execute(build, context));
      return await this.runIdempotent(reply, context, context.idempotency, build);
    } catch (error) {
      if (error instanceof ProblemError) return sendProblem(reply, error);
      throw error;
    }
  }

  private async runIdempotent(
    reply: FastifyReply,
    context: CommandContext,
    key: NonNullable<CommandContext['idempotency']>,
    build: (context: CommandContext) => OrderCommandMessage<unknown>,
  ) {
    let claim;
    try {
      claim = await this.idempotency.claim(key, { ttlMs: this.settings.idempotencyTtlMs });
    } catch (error) {
      if (error instanceof IdempotencyKeyReusedError) throw problems.idempotencyKeyReused();
      throw error;
    }
    if (claim.kind === 'completed') return replay(reply, claim.result as unknown as ReplayedAnswer);
    if (claim.kind === 'in_flight') {
      throw problems.conflict('idempotency-key-in-flight', 'A request with this Idempotency-Key is still being handled; retry shortly.', { 'retry-after': '1' });
    }
    let answer: CommandAnswer;
    try {
      answer = await this.execute(build, context);
    } catch (error) {
      if (error instanceof ProblemError && STORABLE.has(error.status) && error.rule !== 'idempotency-key-in-flight') {
        await this.idempotency.complete(key, { status: error.status, body: error.toBody() as JsonValue, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...error.headers } }, { ttlMs: this.settings.idempotencyTtlMs });
      } else {
        await this.idempotency.release(key);
      }
      throw error;
    }
    if (!answer.storedWithAppend) await this.idempotency.complete(key, { status: answer.status, body: answer.body as JsonValue, headers: answer.headers }, { ttlMs: this.settings.idempotencyTtlMs });
    return send(reply, answer);
  }

  private execute(build: (context: CommandContext) => OrderCommandMessage<unknown>, context: CommandContext): Promise<CommandAnswer> {
    return this.bus.execute(build(context));
  }

  private contextOf(request: FastifyRequest, orderId: string): CommandContext {
    const query = request.query as Record<string, unknown> | undefined;
    const unknown = Object.keys(query ?? {});
    if (unknown.length > 0) throw problems.invalidRequest(unknown.map((path) => ({ path, message: 'is not a known query parameter' })));
    const edge = requestContext(request);
    const principal = principalOf(request);
    const requestHash = createHmac('sha256', this.settings.requestHashKey).update(canonicalize(request.body ?? {}) ?? '').digest('hex');
    return {
      orderId,
      principal,
      correlationId: edge.correlationId,
      requestId: edge.requestId,
      now: edge.receivedAt.toISOString(),
      requestHash,
      expectedVersion: ifMatch(request.headers['if-match']),
      idempotency: idempotencyKey(request.headers['idempotency-key'], `${principal.subject}:${request.method} ${request.url.split('?')[0]}`, requestHash),
    };
  }
}

function ifMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? IF_MATCH.exec(header.trim()) : null;
  if (!match) throw problems.invalidRequest([{ path: 'If-Match', message: 'must be a quoted version number, e.g. "3"' }]);
  return Number(match[1]);
}

function idempotencyKey(header: string | string[] | undefined, scope: string, requestHash: string) {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw problems.invalidRequest([{ path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
  }
  return { scope, key: header, requestHash };
}

function send(reply: FastifyReply, answer: CommandAnswer): FastifyReply {
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}

type ReplayedAnswer = { status: number; body: unknown; headers?: Record<string, string> };

function replay(reply: FastifyReply, answer: ReplayedAnswer): FastifyReply {
  return reply.status(answer.status).headers({ ...answer.headers, 'idempotent-replayed': 'true' }).send(answer.body);
}
