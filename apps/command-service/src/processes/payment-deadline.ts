/**
 * Runs the payment deadline process manager (libs/processes) inside the command service, when
 * ORDER_PAYMENT_TIMEOUT_SECONDS is set. Why here: cancelling is a command, and this service
 * owns the one command path (load, decide, seal personal fields such as the reason, append
 * with the expected version and the idempotency record). Running the timer beside it needs no
 * extra credentials, vault access or HTTP hop, and every command-service instance helps with
 * due deadlines (SKIP LOCKED leases) while one of them feeds the timers from the log. The feed
 * reads the PostgreSQL log in both profiles: a correctness-critical timer should not wait on
 * Kafka when the log it reads is right here.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore, EventStoreDatabase } from '@ordersource/event-store';
import { PostgresLogSubscriptions } from '@ordersource/messaging';
import { CancelUnpaidOrder, decide, orderStreamId } from '@ordersource/domain';
import { PaymentDeadlineProcess, type CancelOutcome, type DeadlineCommands } from '@ordersource/processes';
import type { Registry } from 'prom-client';
import { commandProblem } from '../orders/command-problems';
import { handleCommand } from '../orders/handle-command';
import { CommandContext, OrderCommandMessage, OrderCommandOptions, commandMetadata } from '../orders/order-command';

/** The deadline's ask on the one command path, as a use case would send it. */
class CancelUnpaidOrderMessage extends OrderCommandMessage<{ reason: string }> {}

export interface PaymentDeadlineWiring {
  app: INestApplication;
  database: EventStoreDatabase;
  url: string;
  eventStore: EventStore;
  timeoutSeconds: number;
  /** Worker poll and lease (defaults 1 s and 30 s); tests shorten them. */
  pollMs?: number;
  leaseMs?: number;
  registry: Registry;
  log: (message: string, fields: Record<string, unknown>) => void;
}

const REQUEST_HASH = createHash('sha256').update('CancelUnpaidOrder:payment-timeout').digest('hex');

export async function startPaymentDeadlines(wiring: PaymentDeadlineWiring): Promise<PaymentDeadlineProcess> {
  const orders = wiring.app.get(OrderCommandOptions);
  const commands: DeadlineCommands = {
    async cancelUnpaidOrder(orderId, request): Promise<CancelOutcome> {
      const context: CommandContext = {
        principal: { role: 'admin', subject: request.actor },
        actor: request.actor,
        correlationId: request.correlationId,
        requestId: randomUUID(),
        now: new Date().toISOString(),
        idempotency: { scope: `${request.actor}:CancelUnpaidOrder`, key: request.idempotencyKey, requestHash: REQUEST_HASH },
      };
      const message = new CancelUnpaidOrderMessage(orderId, { reason: request.reason }, context);
      const command: CancelUnpaidOrder = { type: 'CancelUnpaidOrder', data: message.body, metadata: commandMetadata(message) };
      try {
        await handleCommand(orders.store, orderStreamId(orderId), (state) => decide(command, state), orders.for(message, command));
        return { outcome: 'cancelled' };
      } catch (error) {
        // The decider said no (paid meanwhile, already cancelled, ...): settled, never retried.
        const problem = commandProblem(error);
        if (problem && (problem.status === 404 || (problem.status === 409 && problem.rule !== 'concurrency-conflict'))) {
          return { outcome: 'refused', rule: problem.rule };
        }
        throw error;
      }
    },
  };
  const deadlines = new PaymentDeadlineProcess({
    pool: wiring.database.pool,
    source: new PostgresLogSubscriptions({ store: wiring.eventStore, database: wiring.database, url: wiring.url, registry: wiring.registry }),
    commands,
    timeoutSeconds: wiring.timeoutSeconds,
    pollMs: wiring.pollMs,
    leaseMs: wiring.leaseMs,
    registry: wiring.registry,
    log: wiring.log,
  });
  await deadlines.start();
  return deadlines;
}
