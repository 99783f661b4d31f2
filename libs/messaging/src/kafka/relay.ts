/**
 * The outbox relay (issue 5, item 3): tails the gap-safe readAll and publishes each event to
 * `ordersource.orders.v1`, keyed by order id. At-least-once: the checkpoint is written only
 * after Kafka acknowledged the batch (acks=-1, idempotent producer, one request in flight so a
 * retry cannot reorder), and a restart resumes from it. Exactly one relay publishes at a time:
 * the leader holds an advisory lock on a dedicated connection; others wait and take over when
 * the leader's connection dies.
 */
import { ORDERS_TOPIC, toKafkaRecord } from '@ordersource/contracts';
import type { EventStore } from '@ordersource/event-store';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { errorText, silentLogger, type MessagingLogger } from '../logger';
import { tailLog } from '../log-tail';
import { messagingMetrics, type MessagingMetrics } from '../metrics';
import { inVersionOrderPerOrder, toEventMessage } from '../to-event-message';
import { ensureTopic } from './topics';

export interface KafkaRelayOptions {
  store: EventStore;
  /** Owner's URL of the event store database (for the lock and checkpoint connection). */
  url: string;
  kafka: Kafka;
  topic?: string;
  /** Partitions when the relay creates the topic; default 6. */
  partitions?: number;
  batchSize?: number;
  pollMs?: number;
  lockPollMs?: number;
  registry?: Registry;
  logger?: MessagingLogger;
}

export class KafkaRelay {
  private running = false;
  private leader = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly metrics: MessagingMetrics;
  private readonly logger: MessagingLogger;
  private readonly topic: string;

  constructor(private readonly options: KafkaRelayOptions) {
    this.metrics = messagingMetrics(options.registry);
    this.logger = options.logger ?? silentLogger;
    this.topic = options.topic ?? ORDERS_TOPIC;
  }

  /** True while this instance holds the lock and publishes. */
  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private run(): Promise<void> {
    let producer: Producer | undefined;
    return tailLog({
      store: this.options.store,
      url: this.options.url,
      lockName: `ordersource:relay:${this.topic}`,
      checkpoint: `relay:${this.topic}`,
      batchSize: this.options.batchSize ?? 500,
      pollMs: this.options.pollMs,
      lockPollMs: this.options.lockPollMs,
      isRunning: () => this.running,
      onLeader: async () => {
        this.leader = true;
        this.logger.info({ topic: this.topic }, 'relay leader');
        producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
        await ensureTopic(this.options.kafka, { topic: this.topic, partitions: this.options.partitions ?? 6 });
        await producer.connect();
      },
      onLeadershipEnd: async () => {
        this.leader = false;
        await producer?.disconnect().catch(() => undefined);
        producer = undefined;
      },
      handle: async (events) => {
        const messages = inVersionOrderPerOrder(events.map(toEventMessage)).map(toKafkaRecord);
        await (producer as Producer).send({ topic: this.topic, acks: -1, messages });
        this.metrics.relayPublished.inc(events.length);
      },
      reportLag: (lag) => {
        this.metrics.relayLagSeconds.set(lag.seconds);
        this.metrics.relayLagEvents.set(lag.events);
      },
      onFailure: (error) => this.logger.error({ topic: this.topic, error: errorText(error) }, 'relay failed; retrying'),
    });
  }
}
