/**
 * Parked events of a Kafka subscription, kept in the dead-letter topic: `parked` records, and
 * `released` records written by a successful replay. The topic is the durable truth; this
 * instance folds it into memory when it (re)joins its group, then updates both as it parks.
 *
 * One read of the topic at a time, shared by every caller: two reads racing (the first batch
 * after a join and a listParked() call) each built their own map, and the one that finished last
 * replaced the map a park had just been applied to, so the parked event was lost from memory
 * until the next rejoin (heartbeats.int-spec on real Kafka 4.4 under load).
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { EventToPark, ParkingStore } from '../parking/parking-store';
import type { ParkedEvent } from '../subscription.port';

/** A read of the topic that has not reached its end by then fails (and the next caller reads again). */
const DEFAULT_READ_TIMEOUT_MS = 60_000;

type DeadLetterRecord =
  | { kind: 'parked'; subscription: string; parked: ParkedEvent }
  | { kind: 'released'; subscription: string; orderId: string; throughVersion: number };

export class DeadLetterTopic implements ParkingStore {
  private loading: Promise<Map<string, ParkedEvent[]>> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly subscription: string,
    private readonly readTimeoutMs = DEFAULT_READ_TIMEOUT_MS,
  ) {}

  /** After a rebalance another member may have parked or released: read the topic again. */
  forget(): void {
    this.loading = undefined;
  }

  async blockedOrders(): Promise<ReadonlySet<string>> {
    return new Set((await this.state()).keys());
  }

  async park(events: EventToPark[]): Promise<void> {
    const state = await this.state();
    const fresh = events.filter((e) => !(state.get(e.event.orderId) ?? []).some((p) => p.version === e.event.version));
    if (fresh.length === 0) return;
    const records = fresh.map((e): DeadLetterRecord => ({
      kind: 'parked',
      subscription: this.subscription,
      parked: { subscription: this.subscription, orderId: e.event.orderId, version: e.event.version, event: e.event, error: e.error, attempts: e.attempts, waiting: e.waiting, parkedAt: new Date().toISOString() },
    }));
    await this.send(records);
    // Into the map current after the send: a forget() meanwhile started a read that may predate it.
    const current = await this.state();
    for (const record of records) apply(current, record);
  }

  async list(): Promise<ParkedEvent[]> {
    const state = await this.state();
    return [...state.keys()].sort().flatMap((orderId) => state.get(orderId) ?? []);
  }

  async parkedOf(orderId: string): Promise<ParkedEvent[]> {
    return [...((await this.state()).get(orderId) ?? [])];
  }

  async release(orderId: string, throughVersion: number): Promise<void> {
    const record: DeadLetterRecord = { kind: 'released', subscription: this.subscription, orderId, throughVersion };
    await this.send([record]);
    apply(await this.state(), record);
  }

  private async send(records: DeadLetterRecord[]): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.kind === 'parked' ? r.parked.orderId : r.orderId, value: JSON.stringify(r), headers: { subscription: this.subscription } })),
    });
  }

  private state(): Promise<Map<string, ParkedEvent[]>> {
    if (!this.loading) {
      const loading = this.readTopic();
      this.loading = loading;
      // A failed read is not kept: the next caller reads again.
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    }
    return this.loading;
  }

  /**
   * Reads the whole topic up to its current end with a throw-away group (kafkajs has no bare
   * fetch). `run()` settles once the consumer starts, so a consumer that crashes later (e.g. a
   * JoinGroup the broker refuses) or never reaches the end would leave every batch waiting on
   * this read: a crash kafkajs does not restart fails the read, and so does `readTimeoutMs`.
   */
  private async readTopic(): Promise<Map<string, ParkedEvent[]>> {
    const state = new Map<string, ParkedEvent[]>();
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await retryWhileRetriable(() => admin.fetchTopicOffsets(this.topic)).finally(() => admin.disconnect());
    const pending = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
    if (pending.size === 0) return state;
    const consumer = this.kafka.consumer({ groupId: `${this.subscription}.dlq-reader.${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading dead-letter topic ${this.topic} did not reach its end within ${this.readTimeoutMs} ms`)),
          this.readTimeoutMs,
        );
        const done = (error?: Error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        };
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          if (!payload.restart) done(new Error(`reading dead-letter topic ${this.topic} failed: ${payload.error.message}`, { cause: payload.error }));
        });
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const record = JSON.parse(message.value?.toString() ?? 'null') as DeadLetterRecord | null;
              if (record && record.subscription === this.subscription) apply(state, record);
              if (Number(message.offset) + 1 >= (pending.get(partition) ?? 0)) pending.delete(partition);
              if (pending.size === 0) done();
            },
          })
          .catch(done);
      });
    } finally {
      await consumer.disconnect();
    }
    return state;
  }
}

function apply(state: Map<string, ParkedEvent[]>, record: DeadLetterRecord): void {
  if (record.kind === 'parked') {
    const list = state.get(record.parked.orderId) ?? [];
    if (!list.some((p) => p.version === record.parked.version)) list.push(record.parked);
    list.sort((a, b) => a.version - b.version);
    state.set(record.parked.orderId, list);
    return;
  }
  const left = (state.get(record.orderId) ?? []).filter((p) => p.version > record.throughVersion);
  if (left.length === 0) state.delete(record.orderId);
  else state.set(record.orderId, left);
}

/**
 * Right after a topic is created, a real broker may answer ListOffsets with
 * UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER until its metadata caught up (the test
 * broker never does); kafkajs's admin does not retry those here.
 */
async function retryWhileRetriable<T>(work: () => Promise<T>, attempts = 50): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetriable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** kafkajs marks retriable protocol errors, and wraps them once its own retries are spent. */
function isRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; originalError?: { retriable?: boolean }; cause?: { retriable?: boolean } } | undefined;
  return e?.retriable === true || e?.originalError?.retriable === true || e?.cause?.retriable === true;
}
