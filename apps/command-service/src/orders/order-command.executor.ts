import { setTimeout as sleep } from 'node:timers/promises';
import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, OrderCommand, OrderEvent, OrderState, PlaceOrder, decide, evolve, foldOrder, isPlaced } from '@ordersource/domain';
import canonicalize from 'canonicalize';
import {
  EventStore,
  IdempotencyKeyReusedError,
  JsonObject,
  NewEvent,
  RecordedEvent,
  WrongExpectedVersionError,
  isDuplicateAppend,
} from '@ordersource/event-store';
import { problems } from '@ordersource/platform';
import { CommandMetrics } from './command-metrics';
import { domainProblem } from './domain-problems';
import { CommandAnswer, CommandContext } from './order-command.message';
import { COMMAND_SETTINGS, CommandSettings, EVENT_STORE, PERSONAL_DATA, PersonalDataSealer } from './ports';

export const orderStream = (orderId: string) => `order-${orderId}`;

/**
 * The one command path (ARCHITECTURE.md "How an order travels", step 2): load the stream, fold
 * it, run the pure decider, seal personal fields, append with the loaded version and the
 * idempotency record in one transaction. A command without If-Match that loses a race is
 * retried a bounded number of times with jitter; with If-Match the race is the caller's (412).
 */
@Injectable()
export class OrderCommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataSealer,
    @Inject(COMMAND_SETTINGS) private readonly settings: CommandSettings,
    private readonly metrics: CommandMetrics,
  ) {}

  async execute(command: OrderCommand, context: CommandContext): Promise<CommandAnswer> {
    const stopTimer = this.metrics.latency.startTimer({ command: command.type });
    try {
      const answer = await this.executeWithRetries(command, context);
      this.metrics.commands.inc({ command: command.type, outcome: String(answer.status) });
      return answer;
    } catch (error) {
      this.metrics.commands.inc({ command: command.type, outcome: outcomeOf(error) });
      throw error;
    } finally {
      stopTimer();
    }
  }

  private async executeWithRetries(command: OrderCommand, context: CommandContext): Promise<CommandAnswer> {
    // A new order's stream almost never exists: append as 'no_stream' without reading it first
    // and read only when that append finds the order there (a client retrying its orderId).
    let assumeNew = command.type === 'PlaceOrder';
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(command, context, assumeNew);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (assumeNew) {
          assumeNew = false;
          attempt--;
          continue;
        }
        if (context.expectedVersion !== undefined) {
          throw problems.preconditionFailed(`The order changed meanwhile; it is no longer at version ${context.expectedVersion}.`);
        }
        if (attempt >= this.settings.maxConcurrencyRetries) {
          throw problems.conflict('concurrency-conflict', 'The order kept changing while this command was tried; retry later.', { 'retry-after': '1' });
        }
        this.metrics.retries.inc({ command: command.type });
        // Full jitter on an exponential base: concurrent losers spread out instead of colliding again.
        await sleep(randomInt(1, 5 * 2 ** Math.min(attempt, 5) + 2));
      }
    }
  }

  private async attempt(command: OrderCommand, context: CommandContext, assumeNew: boolean): Promise<CommandAnswer> {
    const streamId = orderStream(context.orderId);
    const history = assumeNew ? [] : await this.store.readStream(streamId);
    const state = foldOrder(history.map(toDomainEvent));
    const version = history.length === 0 ? 0 : history[history.length - 1].version;

    if (isPlaced(state) && context.principal.role === 'customer' && state.customerId !== context.principal.customerId) {
      // Another customer's order does not exist for this caller (API.md: never 403).
      throw problems.notFound('order-not-found', `Order ${context.orderId} was not found.`);
    }
    if (command.type === 'PlaceOrder' && isPlaced(state)) return this.placeAgain(command, history[0], context);
    if (context.expectedVersion !== undefined && isPlaced(state) && context.expectedVersion !== version) {
      throw problems.preconditionFailed(`If-Match names version ${context.expectedVersion}; the order is at version ${version}.`);
    }

    let events: OrderEvent[];
    try {
      events = decide(command, state);
    } catch (error) {
      if (error instanceof DomainError) throw domainProblem(error);
      throw error;
    }
    const after = events.reduce<OrderState>(evolve, state);
    if (!isPlaced(after)) throw new Error('decide produced no placed order');
    const toAppend = await Promise.all(events.map((event) => this.toNewEvent(event, after.customerId, context)));

    const status = command.type === 'PlaceOrder' ? 201 : 200;
    const answerFor = (resultVersion: number, position: string) => ({
      status,
      body: { orderId: context.orderId, version: resultVersion, position, status: after.status },
      headers: { etag: `"${resultVersion}"` },
    });
    try {
      const result = await this.store.appendToStream(streamId, version === 0 ? 'no_stream' : version, toAppend, {
        idempotency: context.idempotency && {
          ...context.idempotency,
          ttlMs: this.settings.idempotencyTtlMs,
          result: (appended) => answerFor(appended.version, appended.position),
        },
      });
      if (isDuplicateAppend(result)) {
        return { ...(result.result as unknown as Omit<CommandAnswer, 'storedWithAppend'>), storedWithAppend: true };
      }
      return { ...answerFor(result.version, result.position), storedWithAppend: context.idempotency !== undefined };
    } catch (error) {
      if (error instanceof IdempotencyKeyReusedError) throw problems.idempotencyKeyReused();
      throw error;
    }
  }

  /**
   * A client retrying `POST /orders` with its own orderId: the same order answers like the first
   * call. "The same" is decided on the stored event itself (opened), so no fingerprint of the
   * body's personal data is ever kept in the log.
   */
  private async placeAgain(command: PlaceOrder, placed: RecordedEvent, context: CommandContext): Promise<CommandAnswer> {
    const stored = await this.personalData.openEventData(placed.type, placed.data);
    const { customerId, currency, items, shippingAddress } = stored;
    if (canonicalize({ customerId, currency, items, shippingAddress }) !== canonicalize(command.data)) {
      throw problems.conflict('order-already-exists', `Order ${context.orderId} already exists with another body.`);
    }
    return {
      status: 201,
      body: { orderId: context.orderId, version: placed.version, position: placed.position, status: 'PLACED' },
      headers: { etag: `"${placed.version}"` },
      storedWithAppend: false,
    };
  }

  private async toNewEvent(event: OrderEvent, customerId: string, context: CommandContext): Promise<NewEvent> {
    return {
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: await this.personalData.sealEventData(customerId, event.type, event.data as unknown as JsonObject),
      occurredAt: event.occurredAt,
      metadata: {
        correlationId: context.correlationId,
        causationId: context.requestId,
        actor: context.principal.subject,
        customerId,
        requestedAt: context.now,
      },
    };
  }
}

function toDomainEvent(event: RecordedEvent): OrderEvent {
  return { type: event.type, schemaVersion: event.schemaVersion, data: event.data, occurredAt: event.occurredAt } as unknown as OrderEvent;
}

function outcomeOf(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? String(status) : 'error';
}
