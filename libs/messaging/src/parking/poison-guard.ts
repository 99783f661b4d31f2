/**
 * Delivery with poison handling, shared by both adapters (issue 5, item 4). A failing batch is
 * retried one event at a time so a single bad event cannot stall the whole log: after
 * `maxAttempts` tries it is parked with its error, and THAT order's later events are parked
 * behind it (an order's events must apply in version order) while other orders flow on.
 * When deliver() resolves, every event of the batch was either handled or parked, so the
 * caller may move its checkpoint past the batch.
 */
import type { EventMessage } from '@ordersource/contracts';
import { errorText, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import type { SubscribeOptions, SubscriptionHandler } from '../subscription.port';
import type { EventToPark, ParkingStore } from './parking-store';

const MAX_BACKOFF_MS = 10_000;

export interface PoisonGuardOptions {
  name: string;
  handler: SubscriptionHandler;
  parking: ParkingStore;
  options: SubscribeOptions;
  metrics: MessagingMetrics;
  logger: MessagingLogger;
  /** Called between retries so a Kafka consumer keeps its session alive. */
  heartbeat?: () => Promise<void>;
  /** False once the caller is stopping: retries end and deliver() rejects. */
  isRunning?: () => boolean;
}

export class DeliveryStopped extends Error {
  constructor() {
    super('delivery stopped');
  }
}

export class PoisonGuard {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;

  constructor(private readonly config: PoisonGuardOptions) {
    this.maxAttempts = config.options.maxAttempts ?? 5;
    this.backoffMs = config.options.retryBackoffMs ?? 100;
  }

  async deliver(batch: readonly EventMessage[]): Promise<void> {
    if (batch.length === 0) return;
    const blocked = new Set(await this.config.parking.blockedOrders());
    const waiting = batch.filter((event) => blocked.has(event.orderId));
    const open = waiting.length === 0 ? batch : batch.filter((event) => !blocked.has(event.orderId));
    if (waiting.length > 0) await this.park(waiting.map((event) => this.waitingEntry(event)));
    if (open.length === 0) return;
    try {
      await this.config.handler(open);
      this.config.metrics.subscriptionEvents.inc({ subscription: this.config.name }, batch.length);
      return;
    } catch (error) {
      this.config.logger.warn({ subscription: this.config.name, error: errorText(error), events: open.length }, 'batch failed; retrying event by event');
    }
    for (const event of open) {
      if (blocked.has(event.orderId)) {
        await this.park([this.waitingEntry(event)]);
        continue;
      }
      const failure = await this.withRetries([event]);
      if (failure) {
        blocked.add(event.orderId);
        await this.park([{ event, error: failure.error, attempts: failure.attempts, waiting: false }]);
        this.config.logger.error({ subscription: this.config.name, orderId: event.orderId, version: event.version, error: failure.error }, 'event parked');
      }
    }
    this.config.metrics.subscriptionEvents.inc({ subscription: this.config.name }, batch.length);
  }

  async replay(orderId: string): Promise<number> {
    const parked = await this.config.parking.parkedOf(orderId);
    if (parked.length === 0) return 0;
    const failure = await this.withRetries(parked.map((entry) => entry.event));
    if (failure) throw new Error(`replay of order ${orderId} failed after ${failure.attempts} tries: ${failure.error}`);
    await this.config.parking.release(orderId, parked[parked.length - 1].version);
    await this.refreshParkedGauge();
    this.config.logger.info({ subscription: this.config.name, orderId, events: parked.length }, 'parked events replayed');
    return parked.length;
  }

  async refreshParkedGauge(): Promise<void> {
    this.config.metrics.parkedOrders.set({ subscription: this.config.name }, (await this.config.parking.blockedOrders()).size);
  }

  private async park(entries: EventToPark[]): Promise<void> {
    await this.config.parking.park(entries);
    this.config.metrics.parkedEvents.inc({ subscription: this.config.name }, entries.length);
    await this.refreshParkedGauge();
  }

  private waitingEntry(event: EventMessage): EventToPark {
    return { event, error: `waiting behind an earlier parked event of order ${event.orderId}`, attempts: 0, waiting: true };
  }

  /** Undefined on success; else the last error after maxAttempts tries (transient ones retry on). */
  private async withRetries(events: EventMessage[]): Promise<{ error: string; attempts: number } | undefined> {
    let attempts = 0;
    for (;;) {
      if (this.config.isRunning && !this.config.isRunning()) throw new DeliveryStopped();
      attempts++;
      try {
        await this.config.handler(events);
        return undefined;
      } catch (error) {
        const transient = this.config.options.isTransient?.(error) ?? false;
        if (!transient && attempts >= this.maxAttempts) return { error: errorText(error), attempts };
        await this.pause(Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** Math.min(attempts - 1, 16)));
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    // Sliced so a Kafka consumer heartbeats during long backoffs and a stop is noticed.
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, until - Date.now())));
      await this.config.heartbeat?.();
      if (this.config.isRunning && !this.config.isRunning()) throw new DeliveryStopped();
    }
  }
}
