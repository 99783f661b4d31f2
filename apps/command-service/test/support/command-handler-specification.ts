import { OrderEvent, OrderPlaced, orderStreamId } from '@ordersource/domain';
import { JsonObject } from '@ordersource/event-store';
import { Principal, actorOf, createServiceMetrics, noTracer } from '@ordersource/platform';
import { CommandMetrics } from '../../src/orders/command-metrics';
import { commandProblem } from '../../src/orders/command-problems';
import { CommandContext, OrderCommandMessage, OrderCommandOptions, OrderCommandResult } from '../../src/orders/order-command';
import { CommandSettings, PersonalDataSealer } from '../../src/orders/ports';
import { InMemoryEventStore } from './in-memory-event-store';

/**
 * given(events).when(message).then(events) for the command path at the handler level (after
 * Emmett's DeciderSpecification, one level up): the real handler, the real generic
 * handleCommand, an in-memory event store, no HTTP and no socket.
 */
export const orderId = '0b5e1c9a-7d3f-4c2e-8a61-2f4d9e7b3c10';
export const now = '2026-03-01T10:00:00.000Z';
export const staff: Principal = { role: 'operator', subject: 'ops.k2' };
export const customer = (customerId: string): Principal => ({ role: 'customer', subject: customerId, customerId });

export function contextOf(principal: Principal = staff, extra: Partial<CommandContext> = {}): CommandContext {
  return { principal, actor: actorOf(principal), correlationId: 'corr-1', requestId: 'req-1', now, ...extra };
}

const settings: CommandSettings = { maxConcurrencyRetries: 2, idempotencyTtlMs: 60_000, requestHashKey: Buffer.alloc(32) };
/** Personal fields stay as they are: sealing is the vault's business and has its own suites. */
const unsealed: PersonalDataSealer = { sealEventData: async (_customer, _type, data) => data, openEventData: async (_type, data) => data };

/** A counter per name, as PostgreSQL's named sequences count (their own suite proves those). */
export function countingSequences() {
  const counters = new Map<string, number>();
  return {
    async next(name: string): Promise<number> {
      const n = (counters.get(name) ?? 0) + 1;
      counters.set(name, n);
      return n;
    },
    async nextMany(name: string, count: number): Promise<number[]> {
      const first = (counters.get(name) ?? 0) + 1;
      counters.set(name, first + count - 1);
      return Array.from({ length: count }, (_, index) => first + index);
    },
  };
}

export interface HandlerOutcome {
  newEvents: Pick<OrderEvent, 'type' | 'data'>[];
  result: OrderCommandResult;
}

/** A use case's @nestjs/cqrs handler, called directly (no bus: the bus only finds it). */
type Handler<Message> = { execute(message: Message): Promise<OrderCommandResult> };

export function handlerSpecification<Message extends OrderCommandMessage<unknown>>(make: (orders: OrderCommandOptions) => Handler<Message>) {
  return {
    given(history: OrderEvent[], streamOf = orderId) {
      const store = new InMemoryEventStore();
      const handler = make(new OrderCommandOptions(store, unsealed, settings, new CommandMetrics(createServiceMetrics('command-spec')), noTracer));
      const run = async (message: Message): Promise<HandlerOutcome> => {
        const streamId = orderStreamId(streamOf);
        if (history.length > 0) await store.appendToStream(streamId, 'no_stream', history.map((event) => toNewEvent(event)));
        const result = await handler.execute(message);
        const newEvents = (await store.readStream(streamId, { fromVersion: history.length + 1 })).map(({ type, data }) => ({ type, data }) as Pick<OrderEvent, 'type' | 'data'>);
        return { newEvents, result };
      };
      return {
        store,
        when: (message: Message) => ({
          then: async (expected: Pick<OrderEvent, 'type' | 'data'>[]) => {
            const outcome = await run(message);
            expect(outcome.newEvents).toEqual(expected);
            return outcome;
          },
          thenThrows: async (expected: { status?: number; rule?: string; detail?: string } | (new (...args: never[]) => Error)) => {
            const failure = await run(message).then(
              () => undefined,
              (error: unknown) => error,
            );
            expect(failure).toBeDefined();
            if (typeof expected === 'function') expect(failure).toBeInstanceOf(expected);
            // A failure is compared as the caller would see it: the problem it becomes.
            else expect(commandProblem(failure) ?? failure).toMatchObject(expected);
            expect(await store.streamVersion(orderStreamId(streamOf))).toBe(history.length);
            return failure;
          },
        }),
      };
    },
  };
}

function toNewEvent(event: OrderEvent) {
  return {
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data as unknown as JsonObject,
    occurredAt: event.occurredAt,
    metadata: { correlationId: 'given', causationId: 'given', actor: 'given' },
  };
}

/** Events of a stream for the given part of a spec. */
export const history = {
  placed: (customerId = 'cust-a', id = orderId): OrderPlaced => ({
    type: 'OrderPlaced',
    schemaVersion: 2,
    data: {
      orderId: id,
      customerId,
      currency: 'EUR',
      items: [{ sku: 'MUG-01', quantity: 2, unitPrice: 1250 }],
      total: 2500,
      shippingAddress: { name: 'Ada', line1: '1 Road', city: 'London', postalCode: 'SW1', country: 'GB' },
      channel: 'web',
      orderNumber: 'OS-2026-000001',
    },
    occurredAt: '2026-03-01T09:00:00.000Z',
  }),
  authorized: (id = orderId): OrderEvent => ({ type: 'PaymentAuthorized', schemaVersion: 1, data: { orderId: id, amount: 2500, method: 'card' }, occurredAt: '2026-03-01T09:01:00.000Z' }),
  captured: (id = orderId): OrderEvent => ({ type: 'PaymentCaptured', schemaVersion: 1, data: { orderId: id, amount: 2500 }, occurredAt: '2026-03-01T09:02:00.000Z' }),
};
