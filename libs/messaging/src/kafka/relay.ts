/**
 * The outbox relay (issue 5, item 3): tails the gap-safe readAll and publishes each event to
 * `ordersource.orders.v1`, keyed by order id. At-least-once: the checkpoint is written only
 * after Kafka acknowledged the batch (acks=-1, idempotent producer, one request in flight so a
 * retry cannot reorder), and a restart resumes from it. Exactly one relay publishes at a time:
 * the leader holds an advisory lock on a dedicated connection; others wait and take over when
 * the leader's connection dies.
 *
 * Kafka refuses a record batch over the topic's max.message.bytes (MESSAGE_TOO_LARGE, which
 * kafkajs does not retry), so a page is sent in chunks that stay under it; an event too large on
 * its own is sent gzip-compressed, and one still too large holds the relay there: it sets
 * `ordersource_relay_blocked`, logs it once and retries slowly (an operator raises the topic's
 * limit), rather than skipping it (a gap every consumer would wait on) or looping hot.
 */
import { ORDERS_TOPIC, toKafkaRecord } from '@ordersource/contracts';
import type { EventStore } from '@ordersource/event-store';
import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { noTracer, type Tracer } from '@ordersource/platform';
import { startEventSpans } from '../event-spans';
import { errorText, silentLogger, type MessagingLogger } from '../logger';
import { tailLog } from '../log-tail';
import { messagingMetrics, type MessagingMetrics } from '../metrics';
import { inVersionOrderPerOrder, toEventMessage } from '../to-event-message';
import { ensureTopic } from './topics';

/** Room left in each request for the record batch and record headers Kafka counts. */
const BATCH_OVERHEAD_BYTES = 4096;
const RECORD_OVERHEAD_BYTES = 80;
const BLOCKED_RETRY_MS = 30_000;

export interface OversizeEvent {
  eventId: string;
  position: string;
  bytes: number;
}

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
  /** A PRODUCER span per published event, whose context goes in the record's headers (issue 15). */
  tracer?: Tracer;
}

export class KafkaRelay {
  private running = false;
  private leader = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly metrics: MessagingMetrics;
  private readonly logger: MessagingLogger;
  private readonly topic: string;
  private blocked: OversizeEvent | undefined;

  constructor(private readonly options: KafkaRelayOptions) {
    this.metrics = messagingMetrics(options.registry);
    this.logger = options.logger ?? silentLogger;
    this.topic = options.topic ?? ORDERS_TOPIC;
  }

  /** True while this instance holds the lock and publishes. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** The event the relay holds at, too large for the topic even compressed; undefined when flowing. */
  get blockedOn(): OversizeEvent | undefined {
    return this.blocked;
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
    let maxMessageBytes = 0;
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
        ({ maxMessageBytes } = await ensureTopic(this.options.kafka, { topic: this.topic, partitions: this.options.partitions ?? 6 }));
        await producer.connect();
      },
      onLeadershipEnd: async () => {
        this.leader = false;
        await producer?.disconnect().catch(() => undefined);
        producer = undefined;
      },
      handle: async (events) => {
        const inOrder = inVersionOrderPerOrder(events.map(toEventMessage));
        const spans = startEventSpans(this.options.tracer ?? noTracer, `publish ${this.topic}`, 'producer', inOrder, {
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': this.topic, 'messaging.operation.type': 'send' },
        });
        const records = inOrder.map((m, index) => {
          const record = toKafkaRecord(m);
          // The publish span's context, so consumers continue the trace from here (W3C header names).
          const trace = spans.at(index)?.context();
          return { message: trace ? { ...record, headers: { ...record.headers, ...trace } } : record, eventId: m.eventId, position: m.position };
        });
        let oversize: OversizeEvent | undefined;
        try {
          oversize = await this.publish(producer as Producer, records, maxMessageBytes);
          spans.end();
        } catch (error) {
          spans.end(error);
          throw error;
        }
        if (oversize) {
          this.holdAt(oversize, maxMessageBytes);
          return { holdMs: BLOCKED_RETRY_MS };
        }
        if (this.blocked) {
          this.logger.info({ topic: this.topic, eventId: this.blocked.eventId }, 'relay published the event it was held at');
          this.blocked = undefined;
          this.metrics.relayBlocked.set(0);
        }
        this.metrics.relayPublished.inc(events.length);
        return undefined;
      },
      reportLag: (lag) => {
        this.metrics.relayLagSeconds.set(lag.seconds);
        this.metrics.relayLagEvents.set(lag.events);
      },
      onFailure: (error) => this.logger.error({ topic: this.topic, error: errorText(error) }, 'relay failed; retrying'),
    });
  }

  /**
   * Sends the records in order, in requests under the topic's limit; returns the first event that
   * Kafka refuses even alone and compressed (nothing after it is sent), or undefined.
   */
  private async publish(producer: Producer, records: Array<{ message: Message; eventId: string; position: string }>, maxMessageBytes: number): Promise<OversizeEvent | undefined> {
    const budget = Math.max(1024, maxMessageBytes - BATCH_OVERHEAD_BYTES);
    let chunk: Message[] = [];
    let chunkBytes = 0;
    const flush = async () => {
      if (chunk.length > 0) await producer.send({ topic: this.topic, acks: -1, messages: chunk });
      chunk = [];
      chunkBytes = 0;
    };
    for (const record of records) {
      const bytes = recordBytes(record.message);
      if (bytes > budget) {
        await flush();
        try {
          await producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.GZIP, messages: [record.message] });
        } catch (error) {
          if ((error as { type?: string }).type === 'MESSAGE_TOO_LARGE') return { eventId: record.eventId, position: record.position, bytes };
          throw error;
        }
        continue;
      }
      if (chunkBytes + bytes > budget) await flush();
      chunk.push(record.message);
      chunkBytes += bytes;
    }
    await flush();
    return undefined;
  }

  private holdAt(event: OversizeEvent, maxMessageBytes: number): void {
    if (this.blocked?.eventId !== event.eventId) {
      this.logger.error({ topic: this.topic, ...event, maxMessageBytes }, 'relay holds: an event is larger than the topic accepts even compressed; raise max.message.bytes');
    }
    this.blocked = event;
    this.metrics.relayBlocked.set(1);
  }
}

function recordBytes(message: Message): number {
  const size = (value: unknown) => (value == null ? 0 : Buffer.byteLength(typeof value === 'string' ? value : (value as Buffer)));
  const headers = Object.entries(message.headers ?? {}).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + size(value), 0);
  return size(message.key) + size(message.value) + headers + RECORD_OVERHEAD_BYTES;
}
