/**
 * Kafka as a subscription source (distributed profile): one consumer group per subscription
 * name. Offsets are committed by hand after the handler's write (or the parking) of a batch,
 * never before, so a crash or a rebalance re-delivers instead of losing. A batch whose
 * partition was revoked meanwhile is not committed: its new owner delivers it again.
 *
 * kafkajs heartbeats only between batches or when eachBatch calls heartbeat(). A slow handler,
 * a backoff or the dead-letter reader (which joins a throw-away group of its own, up to
 * group.initial.rebalance.delay.ms plus a rebalance) could hold a batch longer than the session
 * timeout: the member was then expired, rejoined, re-read the dead-letter topic inside the next
 * batch, and expired again, which is how a live consumer with 6 s sessions stopped receiving.
 * So while a batch is delivered, a timer keeps heartbeating every heartbeatInterval.
 */
import { ORDERS_DLQ_TOPIC, ORDERS_TOPIC, type EventMessage } from '@ordersource/contracts';
import type { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { noTracer, type Tracer } from '@ordersource/platform';
import { startEventSpans } from '../event-spans';
import { errorText, silentLogger, type MessagingLogger } from '../logger';
import { messagingMetrics, type MessagingMetrics } from '../metrics';
import { DeliveryStopped, PoisonGuard } from '../parking/poison-guard';
import type { SubscribeOptions, Subscription, SubscriptionHandler, SubscriptionLag, SubscriptionSource } from '../subscription.port';
import { DeadLetterTopic } from './dead-letter-topic';
import { ensureTopic } from './topics';

export interface KafkaSubscriptionsOptions {
  kafka: Kafka;
  topic?: string;
  deadLetterTopic?: string;
  /** Partitions when a topic must be created; default 6. */
  partitions?: number;
  /** Group session settings; a dead member's partitions move after sessionTimeout. */
  sessionTimeout?: number;
  heartbeatInterval?: number;
  rebalanceTimeout?: number;
  maxWaitTimeInMs?: number;
  registry?: Registry;
  logger?: MessagingLogger;
  /** A CONSUMER span per delivered event, child of its record's trace headers (issue 15). */
  tracer?: Tracer;
}

export class KafkaSubscriptions implements SubscriptionSource {
  private readonly metrics: MessagingMetrics;

  constructor(private readonly options: KafkaSubscriptionsOptions) {
    this.metrics = messagingMetrics(options.registry);
  }

  async subscribe(name: string, handler: SubscriptionHandler, subscribeOptions: SubscribeOptions = {}): Promise<Subscription> {
    const { kafka } = this.options;
    const topic = this.options.topic ?? ORDERS_TOPIC;
    const deadLetterTopic = this.options.deadLetterTopic ?? ORDERS_DLQ_TOPIC;
    const partitions = this.options.partitions ?? 6;
    await ensureTopic(kafka, { topic, partitions });
    await ensureTopic(kafka, { topic: deadLetterTopic, partitions });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const consumer = kafka.consumer({
      groupId: name,
      sessionTimeout: this.options.sessionTimeout ?? 30_000,
      heartbeatInterval: this.options.heartbeatInterval ?? 3000,
      rebalanceTimeout: this.options.rebalanceTimeout ?? 60_000,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: false,
    });
    const subscription = new KafkaSubscription(name, topic, handler, subscribeOptions, consumer, producer, new DeadLetterTopic(kafka, producer, deadLetterTopic, name), this.metrics, this.options.logger ?? silentLogger, this.options.heartbeatInterval ?? 3000, this.options.tracer ?? noTracer);
    await subscription.start();
    return subscription;
  }
}

class KafkaSubscription implements Subscription {
  private running = true;
  private readonly guard: PoisonGuard;
  private heartbeat: (() => Promise<void>) | undefined;
  private exclusive: Promise<unknown> = Promise.resolve();
  private lastLag: SubscriptionLag = { events: 0, seconds: 0 };

  constructor(
    private readonly name: string,
    private readonly topic: string,
    handler: SubscriptionHandler,
    subscribeOptions: SubscribeOptions,
    private readonly consumer: Consumer,
    private readonly producer: Producer,
    private readonly parking: DeadLetterTopic,
    private readonly metrics: MessagingMetrics,
    private readonly logger: MessagingLogger,
    private readonly heartbeatIntervalMs: number,
    private readonly tracer: Tracer,
  ) {
    this.guard = new PoisonGuard({
      name,
      handler,
      parking,
      options: subscribeOptions,
      metrics,
      logger,
      heartbeat: () => this.heartbeat?.() ?? Promise.resolve(),
      isRunning: () => this.running,
    });
  }

  async start(): Promise<void> {
    // Members that join later may hold parked orders this one never saw: re-read the DLQ.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.parking.forget());
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.guard.refreshParkedGauge();
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        this.heartbeat = heartbeat;
        const events = batch.messages.map((m) => JSON.parse(m.value?.toString() ?? 'null') as EventMessage);
        const spans = startEventSpans(this.tracer, `deliver ${batch.topic}`, 'consumer', events, {
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': batch.topic, 'messaging.consumer.group.name': this.name, 'messaging.operation.type': 'process' },
          parentOf: (index) => traceHeaders(batch.messages[index].headers),
        });
        const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), this.heartbeatIntervalMs);
        try {
          await this.serialised(() => this.guard.deliver(events));
          spans.end();
        } catch (error) {
          spans.end(error instanceof DeliveryStopped ? undefined : error);
          if (error instanceof DeliveryStopped) return;
          throw error;
        } finally {
          clearInterval(keepAlive);
        }
        if (!isRunning() || isStale()) return;
        resolveOffset(batch.lastOffset());
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
        const last = events[events.length - 1];
        this.lastLag = { events: Number(batch.offsetLag()), seconds: batch.offsetLag() === '0' ? 0 : Math.max(0, (Date.now() - Date.parse(last.recordedAt)) / 1000) };
        this.metrics.subscriptionLagEvents.set({ subscription: this.name }, this.lastLag.events);
        this.metrics.subscriptionLagSeconds.set({ subscription: this.name }, this.lastLag.seconds);
        await heartbeat();
      },
    });
  }

  lag(): SubscriptionLag {
    return this.lastLag;
  }

  async stop(): Promise<void> {
    this.running = false;
    try {
      await this.consumer.disconnect();
    } catch (error) {
      this.logger.warn({ subscription: this.name, error: errorText(error) }, 'consumer disconnect failed');
    }
    await this.producer.disconnect().catch(() => undefined);
  }

  listParked() {
    return this.parking.list();
  }

  replayParked(orderId: string): Promise<number> {
    return this.serialised(() => this.guard.replay(orderId));
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.exclusive.then(work, work);
    this.exclusive = next.catch(() => undefined);
    return next;
  }
}

/** The W3C trace context a record carries in its headers (the relay's publish span), if any. */
function traceHeaders(headers: IHeaders | undefined): { traceparent: string; tracestate?: string } | undefined {
  const text = (value: IHeaders[string]) => (value === undefined ? undefined : Array.isArray(value) ? value[0]?.toString() : value.toString());
  const traceparent = headers && text(headers.traceparent);
  if (!traceparent) return undefined;
  const tracestate = text(headers?.tracestate);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
