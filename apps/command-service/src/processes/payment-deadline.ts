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
import { ProblemError } from '@ordersource/platform';
import { PaymentDeadlineProcess, type CancelOutcome, type DeadlineCommands } from '@ordersource/processes';
import type { Registry } from 'prom-client';
import { OrderCommandExecutor } from '../orders/order-command.executor';
import { CommandContext, commandMetadata } from '../orders/order-command.message';

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
  const executor = wiring.app.get(OrderCommandExecutor);
  const commands: DeadlineCommands = {
    async cancelUnpaidOrder(orderId, request): Promise<CancelOutcome> {
      const context: CommandContext = {
        orderId,
        principal: { role: 'admin', subject: request.actor },
        correlationId: request.correlationId,
        requestId: randomUUID(),
        now: new Date().toISOString(),
        idempotency: { scope: `${request.actor}:CancelUnpaidOrder`, key: request.idempotencyKey, requestHash: REQUEST_HASH },
        requestHash: REQUEST_HASH,
      };
      try {
        await executor.execute({ type: 'CancelUnpaidOrder', data: { reason: request.reason }, metadata: commandMetadata(context) }, context);
        return { outcome: 'cancelled' };
      } catch (error) {
        // The decider said no (paid meanwhile, already cancelled, ...): settled, never retried.
        if (error instanceof ProblemError && (error.status === 404 || (error.status === 409 && error.rule !== 'concurrency-conflict'))) {
          return { outcome: 'refused', rule: error.rule };
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
