/**
 * The PostgreSQL log as a subscription source (embedded profile): each subscription reads
 * readAll from its checkpoint, woken by the store's NOTIFY after every append and by a poll as
 * a fallback (a notification is lost while no connection listens, and an event can become
 * readable later than its own notification: readAll waits for older transactions to finish).
 * One active reader per subscription name (advisory lock); the checkpoint moves only after the
 * handler succeeded or the events were parked, so a crash re-delivers at most one batch (the
 * loop itself is ../log-tail.ts, shared with the Kafka relay).
 */
import type { EventStore, EventStoreDatabase } from '@ordersource/event-store';
import type { Registry } from 'prom-client';
import type { Leadership } from '../leadership';
import { errorText, silentLogger, type MessagingLogger } from '../logger';
import { tailLog } from '../log-tail';
import { messagingMetrics, type MessagingMetrics } from '../metrics';
import { noTracer, type Tracer } from '@ordersource/platform';
import { startEventSpans } from '../event-spans';
import { DeliveryStopped, PoisonGuard } from '../parking/poison-guard';
import type { EventMessage, SubscribeOptions, Subscription, SubscriptionHandler, SubscriptionLag, SubscriptionSource } from '../subscription.port';
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
  /** A CONSUMER span per delivered event, child of the trace stored in its metadata (issue 15). */
  tracer?: Tracer;
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

  private lastLag: SubscriptionLag = { events: 0, seconds: 0 };

  start(): void {
    this.loop = this.run();
  }

  lag(): SubscriptionLag {
    return this.lastLag;
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

  /** A CONSUMER span per event, child of the trace its command stored with it (issue 15). */
  private async deliver(events: EventMessage[]): Promise<void> {
    const spans = startEventSpans(this.options.tracer ?? noTracer, 'deliver log', 'consumer', events, {
      attributes: { 'messaging.system': 'postgresql', 'messaging.consumer.group.name': this.name, 'messaging.operation.type': 'process' },
    });
    try {
      await this.guard.deliver(events);
      spans.end();
    } catch (error) {
      spans.end(error instanceof DeliveryStopped ? undefined : error);
      throw error;
    }
  }

  private run(): Promise<void> {
    return tailLog({
      store: this.options.store,
      url: this.options.url,
      lockName: `ordersource:subscription:${this.name}`,
      checkpoint: `subscription:${this.name}`,
      batchSize: this.subscribeOptions.batchSize ?? 500,
      pollMs: this.options.pollMs,
      lockPollMs: this.options.lockPollMs,
      isRunning: () => this.running,
      onLeader: async (leadership) => {
        this.leadership = leadership;
        this.logger.info({ subscription: this.name }, 'active reader');
        this.parking.forget();
        await this.guard.refreshParkedGauge();
      },
      onLeadershipEnd: async () => undefined,
      handle: (events) => this.serialised(() => this.deliver(inVersionOrderPerOrder(events.map(toEventMessage)))),
      reportLag: (lag) => {
        this.lastLag = lag;
        this.metrics.subscriptionLagSeconds.set({ subscription: this.name }, lag.seconds);
        this.metrics.subscriptionLagEvents.set({ subscription: this.name }, lag.events);
      },
      onFailure: (error) => this.logger.error({ subscription: this.name, error: errorText(error) }, 'reader failed; reconnecting'),
    });
  }
}
