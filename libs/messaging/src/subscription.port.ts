/**
 * The subscription port (issue 5): how projections receive the log, whatever carries it (the
 * PostgreSQL log directly, or Kafka behind the relay). Small on purpose; kafkajs stays behind it.
 *
 * Delivery is at-least-once: after a crash or a rebalance a batch may come again, so handlers
 * skip what they have seen by the per-order `version`. Within a batch, and across batches, one
 * order's events arrive in version order; different orders interleave freely.
 */
import type { EventMessage } from '@ordersource/contracts';

export type { EventMessage } from '@ordersource/contracts';

export type SubscriptionHandler = (batch: readonly EventMessage[]) => Promise<void>;

export interface SubscribeOptions {
  /** Most events per handler call; default 500. */
  batchSize?: number;
  /** Tries of one event alone before it is parked; default 5. */
  maxAttempts?: number;
  /** First retry delay, doubled per try up to 10 s; default 100 ms. */
  retryBackoffMs?: number;
  /** Errors that are never the event's fault (a dependency is down): retried without parking. */
  isTransient?: (error: unknown) => boolean;
}

export interface ParkedEvent {
  subscription: string;
  orderId: string;
  version: number;
  event: EventMessage;
  /** The handler's error; for an event parked behind an earlier one, why it waits. */
  error: string;
  attempts: number;
  /** True when the event itself never failed: it waits behind an earlier parked version. */
  waiting: boolean;
  parkedAt: string;
}

/** How far behind the log a subscription is, as last measured (its lag gauges show the same). */
export interface SubscriptionLag {
  /** Events not yet handled (approximate); 0 when caught up. */
  events: number;
  /** Age of the last handled event while behind; 0 when caught up. */
  seconds: number;
}

export interface Subscription {
  stop(): Promise<void>;
  /** The lag as data, for whoever publishes a status (never read back from the metrics registry). */
  lag(): SubscriptionLag;
  /** The events parked by this subscription, by order then version. */
  listParked(): Promise<ParkedEvent[]>;
  /**
   * Delivers the order's parked events again, in version order, then lets its later events
   * flow. Resolves with how many were delivered; rejects (and keeps them parked) if the
   * handler still fails.
   */
  replayParked(orderId: string): Promise<number>;
}

export interface SubscriptionSource {
  subscribe(name: string, handler: SubscriptionHandler, options?: SubscribeOptions): Promise<Subscription>;
}
