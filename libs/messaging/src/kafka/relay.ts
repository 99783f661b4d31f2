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
import { eventsAfter, loadCheckpoint, saveCheckpoint } from '../checkpoints';
import { acquireLeadership, type Leadership } from '../leadership';
import { errorText, silentLogger, type MessagingLogger } from '../logger';
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

  private async run(): Promise<void> {
    const lockName = `ordersource:relay:${this.topic}`;
    while (this.running) {
      const leadership = await acquireLeadership({ url: this.options.url, lockName, pollMs: this.options.lockPollMs, isRunning: () => this.running });
      if (!leadership) return;
      this.leader = true;
      this.logger.info({ topic: this.topic }, 'relay leader');
      const producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await ensureTopic(this.options.kafka, { topic: this.topic, partitions: this.options.partitions ?? 6 });
        await producer.connect();
        await this.publishWhileLeader(leadership, producer);
      } catch (error) {
        if (this.running) this.logger.error({ topic: this.topic, error: errorText(error) }, 'relay failed; retrying');
      } finally {
        this.leader = false;
        await producer.disconnect().catch(() => undefined);
        await leadership.release();
      }
    }
  }

  private async publishWhileLeader(leadership: Leadership, producer: Producer): Promise<void> {
    const checkpointName = `relay:${this.topic}`;
    const saved = await loadCheckpoint(leadership.client, checkpointName);
    let cursor = saved?.cursor;
    let position = saved?.position ?? null;
    const pollMs = this.options.pollMs ?? 1000;
    let idleWaitMs = 10;
    while (this.running && !leadership.lost) {
      const page = await this.options.store.readAll({ after: cursor, limit: this.options.batchSize ?? 500 });
      if (page.events.length > 0) {
        const messages = inVersionOrderPerOrder(page.events.map(toEventMessage)).map(toKafkaRecord);
        await producer.send({ topic: this.topic, acks: -1, messages });
        cursor = page.cursor;
        for (const event of page.events) if (position === null || BigInt(event.position) > BigInt(position)) position = event.position;
        await saveCheckpoint(leadership.client, checkpointName, { cursor, position });
        this.metrics.relayPublished.inc(page.events.length);
        const last = page.events[page.events.length - 1];
        this.metrics.relayLagSeconds.set(page.endOfLog ? 0 : Math.max(0, (Date.now() - Date.parse(last.recordedAt)) / 1000));
        this.metrics.relayLagEvents.set(page.endOfLog ? 0 : await eventsAfter(leadership.client, position));
        idleWaitMs = 10;
        if (!page.endOfLog) continue;
      } else {
        this.metrics.relayLagSeconds.set(0);
        this.metrics.relayLagEvents.set(0);
      }
      const notified = await leadership.nextNotification(idleWaitMs);
      idleWaitMs = notified ? 10 : Math.min(pollMs, idleWaitMs * 2);
    }
  }
}
