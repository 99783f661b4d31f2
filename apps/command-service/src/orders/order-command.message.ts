import { Command } from '@nestjs/cqrs';
import { Principal } from '@ordersource/platform';

/** How a command went: what the route answers (and what an Idempotency-Key replays). */
export interface CommandAnswer {
  status: number;
  body: { orderId: string; version: number; position: string; status: string } | Record<string, unknown>;
  headers: Record<string, string>;
  /** True when the event store stored this answer with the append, in its transaction. */
  storedWithAppend: boolean;
}

export interface CommandContext {
  orderId: string;
  principal: Principal;
  correlationId: string;
  requestId: string;
  /** Request time, ISO 8601 UTC ms: the decider's "now". */
  now: string;
  /** From `If-Match`; absent: the service retries lost races itself. */
  expectedVersion?: number;
  idempotency?: { scope: string; key: string; requestHash: string };
  /** HMAC of the canonical body: an Idempotency-Key repeat must carry the same body. */
  requestHash: string;
}

/** Base of the nine use-case commands sent on the CommandBus: validated body plus context. */
export abstract class OrderCommandMessage<Body> extends Command<CommandAnswer> {
  constructor(
    readonly body: Body,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The decider's view of the request: time, actor and order id come only from here. */
export function commandMetadata(context: CommandContext) {
  return {
    now: context.now,
    actor: context.principal.subject,
    orderId: context.orderId,
    correlationId: context.correlationId,
    causationId: context.requestId,
  };
}
