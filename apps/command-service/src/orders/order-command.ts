import { Inject, Injectable } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import { CommandMetadata, OrderCommand, OrderEvent, OrderState, OrderStatus, evolve, initialState, isPlaced } from '@ordersource/domain';
import { EventStore, IdempotencyKey, JsonObject, RecordedEvent } from '@ordersource/event-store';
import { Principal, TRACER, Tracer, traceMetadata } from '@ordersource/platform';
import { guardOrder } from './authorization';
import { CommandMetrics } from './command-metrics';
import { CommandHandled, CommandRepeated, HandleCommandOptions } from './handle-command';
import { COMMAND_SETTINGS, CommandSettings, EVENT_STORE, PERSONAL_DATA, PersonalDataSealer } from './ports';

/** Who asks, when, and under which keys: what every order command carries besides its body. */
export interface CommandContext {
  principal: Principal;
  /** Recorded in every event's metadata: `role:subject` for a key (`actorOf`), `system:<process>` for a process. */
  actor: string;
  correlationId: string;
  requestId: string;
  /** Request time, ISO 8601 UTC ms: the decider's "now". */
  now: string;
  /** From `If-Match`; absent: lost races are retried here. */
  expectedVersion?: number;
  idempotency?: IdempotencyKey;
}

/** What an order command leaves behind; also what an Idempotency-Key repeat gets back. */
export interface OrderCommandResult {
  orderId: string;
  version: number;
  position: string;
  status: OrderStatus;
  /** PlaceOrder only (issue 15). */
  orderNumber?: string;
}

/** Base of the use-case commands sent on the CommandBus: the order, the validated body, the context. */
export abstract class OrderCommandMessage<Body> extends Command<OrderCommandResult> {
  constructor(
    readonly orderId: string,
    readonly body: Body,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The decider's view of the request: time, actor and order id come only from here. */
export function commandMetadata({ orderId, context }: OrderCommandMessage<unknown>): CommandMetadata {
  return { now: context.now, actor: context.actor, orderId, correlationId: context.correlationId, causationId: context.requestId };
}

/**
 * What the generic handler needs to run any order command: the order's decider, how its events
 * are stored (metadata, personal fields sealed), the caller's guard and keys. Use cases add only
 * what is theirs (PlaceOrder: the stream is almost always new).
 */
@Injectable()
export class OrderCommandOptions {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataSealer,
    @Inject(COMMAND_SETTINGS) private readonly settings: CommandSettings,
    private readonly metrics: CommandMetrics,
    @Inject(TRACER) private readonly tracer: Tracer,
  ) {}

  for({ context }: OrderCommandMessage<unknown>, command: OrderCommand): HandleCommandOptions<OrderState, OrderEvent> {
    return {
      evolve,
      initialState: () => initialState,
      fromRecorded: (event) => ({ type: event.type, schemaVersion: event.schemaVersion, data: event.data, occurredAt: event.occurredAt }) as unknown as OrderEvent,
      toNewEvents: (events, after) => Promise.all(events.map((event) => this.toNewEvent(event, after, context))),
      guard: (state) => guardOrder(context.principal, command, state),
      expectedVersion: context.expectedVersion,
      maxRetries: this.settings.maxConcurrencyRetries,
      onRetry: () => this.metrics.retries.inc({ command: command.type }),
      trace: { tracer: this.tracer, command: command.type },
      idempotency: context.idempotency && {
        ...context.idempotency,
        ttlMs: this.settings.idempotencyTtlMs,
        result: (handled) => ({ ...orderResult(command.metadata.orderId, handled) }),
      },
    };
  }

  /** Opens a stored event's personal fields ("[erased]" once the customer was forgotten). */
  openEventData(event: RecordedEvent): Promise<JsonObject> {
    return this.personalData.openEventData(event.type, event.data);
  }

  private async toNewEvent(event: OrderEvent, after: OrderState, context: CommandContext) {
    if (!isPlaced(after)) throw new Error('decide produced no placed order');
    return {
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: await this.personalData.sealEventData(after.customerId, event.type, event.data as unknown as JsonObject),
      occurredAt: event.occurredAt,
      metadata: {
        correlationId: context.correlationId,
        causationId: context.requestId,
        actor: context.actor,
        customerId: after.customerId,
        requestedAt: context.now,
        // The request's trace (issue 15): relay, consumers and projections continue it.
        ...traceMetadata(this.tracer),
      },
    };
  }
}

/** The handled command as the order's result; a repeat found by the append is its first result. */
export function orderResult(orderId: string, outcome: CommandHandled<OrderState> | CommandRepeated): OrderCommandResult {
  if (outcome.kind === 'repeated') return outcome.result as unknown as OrderCommandResult;
  if (!isPlaced(outcome.newState)) throw new Error('a handled order command left no placed order');
  return { orderId, version: outcome.version, position: outcome.position, status: outcome.newState.status };
}
