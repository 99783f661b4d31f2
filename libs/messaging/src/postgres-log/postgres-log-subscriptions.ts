/**
 * The PostgreSQL log as a subscription source (embedded profile): each subscription reads
 * readAll from its checkpoint, woken by the store's NOTIFY after every append and by a poll as
 * a fallback (a notification is lost while no connection listens, and an event can become
 * readable later than its own notification: readAll waits for older transactions to finish).
 * One active reader per subscription name (advisory lock); the checkpoint moves only after the
 * handler succeeded or the events were parked, so a crash re-delivers at most one batch.
 */
import type { EventStore, EventStoreDatabase } from '@ordersource/event-store';
import type { Registry } from 'prom-client';
import { eventsAfter, loadCheckpoint, saveCheckpoint } from '../checkpoints';
import { acquireLeadership, type Leadership } from '../leadership';
import { errorText, silentLogger, type MessagingLogger } from '../logger';
import { messagingMetrics, type MessagingMetrics } from '../metrics';
import { PoisonGuard } from '../parking/poison-guard';
import type { SubscribeOptions, Subscription, SubscriptionHandler, SubscriptionSource } from '../subscription.port';
import { inVersionOrderPerOrder, toEventMessage } from '../to-event-message';
import { ParkedEventsTable } from './parked-events-table';

export interface PostgresLogSubscriptionsOptions {
  store: EventStore;
  /** The event store's pool (acts as ordersource_app): reads of the parked events. */
  database: Pick<EventStoreDatabase, 'pool'>;
  /** Owner's URL of the event store database (the reader's lock connection acts as ordersource_app). */
  url: string;
  registry?: Registry;
  logger?: MessagingLogger;
  /** Fallback poll when no notification arrives; default 1000 ms. */
  pollMs?: number;
  /** How often a waiting instance retries the lock; default 250 ms. */
  lockPollMs?: number;
}

export class PostgresLogSubscriptions implements SubscriptionSource {
  private readonly metrics: MessagingMetrics;
  private readonly logger: MessagingLogger;

  constructor(private readonly options: PostgresLogSubscriptionsOptions) {
    this.metrics = messagingMetrics(options.registry);
    this.logger = options.logger ?? silentLogger;
  }

  async subscribe(name: string, handler: SubscriptionHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const reader = new PostgresLogReader(name, handler, options, this.options, this.metrics, this.logger);
    reader.start();
    return reader;
  }
}

class PostgresLogReader implements Subscription {
  private running = true;
  private leadership: Leadership | undefined;
  private readonly parking: ParkedEventsTable;
  private readonly guard: PoisonGuard;
  private loop: Promise<void> = Promise.resolve();
  /** Serialises replays with the read loop: a replay must not interleave with a batch. */
  private exclusive: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly name: string,
    handler: SubscriptionHandler,
    private readonly subscribeOptions: SubscribeOptions,
    private readonly options: PostgresLogSubscriptionsOptions,
    private readonly metrics: MessagingMetrics,
    private readonly logger: MessagingLogger,
  ) {
    this.parking = new ParkedEventsTable(name, options.database.pool, () => this.activeClient());
    this.guard = new PoisonGuard({ name, handler, parking: this.parking, options: subscribeOptions, metrics, logger, isRunning: () => this.running && !this.leadership?.lost });
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  listParked() {
    return this.parking.list();
  }

  replayParked(orderId: string): Promise<number> {
    return this.serialised(() => this.guard.replay(orderId));
  }

  private activeClient() {
    if (!this.leadership || this.leadership.lost) throw new Error(`subscription ${this.name} is not the active reader on this instance`);
    return this.leadership.client;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.exclusive.then(work, work);
    this.exclusive = next.catch(() => undefined);
    return next;
  }

  private async run(): Promise<void> {
    const isRunning = () => this.running;
    while (this.running) {
      this.leadership = await acquireLeadership({ url: this.options.url, lockName: `ordersource:subscription:${this.name}`, pollMs: this.options.lockPollMs, isRunning });
      if (!this.leadership) return;
      this.logger.info({ subscription: this.name }, 'active reader');
      this.parking.forget();
      try {
        await this.readWhileLeader(this.leadership);
      } catch (error) {
        if (this.running) this.logger.error({ subscription: this.name, error: errorText(error) }, 'reader failed; reconnecting');
      } finally {
        await this.leadership.release();
      }
    }
  }

  private async readWhileLeader(leadership: Leadership): Promise<void> {
    const checkpointName = `subscription:${this.name}`;
    const saved = await loadCheckpoint(leadership.client, checkpointName);
    let cursor = saved?.cursor;
    let position = saved?.position ?? null;
    await this.guard.refreshParkedGauge();
    const pollMs = this.options.pollMs ?? 1000;
    let idleWaitMs = 10;
    while (this.running && !leadership.lost) {
      const page = await this.options.store.readAll({ after: cursor, limit: this.subscribeOptions.batchSize ?? 500 });
      if (page.events.length > 0) {
        const batch = inVersionOrderPerOrder(page.events.map(toEventMessage));
        await this.serialised(() => this.guard.deliver(batch));
        const last = page.events[page.events.length - 1];
        cursor = page.cursor;
        position = maxPosition(position, page.events.map((e) => e.position));
        await saveCheckpoint(leadership.client, checkpointName, { cursor, position });
        this.metrics.subscriptionLagSeconds.set({ subscription: this.name }, page.endOfLog ? 0 : Math.max(0, (Date.now() - Date.parse(last.recordedAt)) / 1000));
        this.metrics.subscriptionLagEvents.set({ subscription: this.name }, page.endOfLog ? 0 : await eventsAfter(leadership.client, position));
        idleWaitMs = 10;
        if (!page.endOfLog) continue;
      } else {
        this.metrics.subscriptionLagSeconds.set({ subscription: this.name }, 0);
      }
      // After a notification the event may still hide behind an older open transaction:
      // look again soon, backing off to the poll interval.
      const notified = await leadership.nextNotification(idleWaitMs);
      idleWaitMs = notified ? 10 : Math.min(pollMs, idleWaitMs * 2);
    }
  }
}

function maxPosition(current: string | null, positions: string[]): string | null {
  let max = current === null ? -1n : BigInt(current);
  for (const p of positions) if (BigInt(p) > max) max = BigInt(p);
  return max < 0n ? null : max.toString();
}
