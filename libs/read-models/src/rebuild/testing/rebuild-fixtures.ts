/**
 * Test support for the rebuild suites: realistic order histories appended straight through the
 * event store (fast), background traffic of ~50 commands/s, live projections on the pausable
 * source, a reader that must never see a broken view, and view fingerprints by document hash.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent } from '@ordersource/event-store';
import type { Subscription, SubscriptionSource } from '@ordersource/messaging';
import { runProjection } from '../../projection-runner';
import type { Projection } from '../../projections/projection';
import type { ReadStore } from '../../store/read-store.port';
import { deliveredOrderHistory, orderUuid } from '../../testing/order-history';
import { DIFF_KEY } from '../rebuild-views';
import { documentHash } from '../view-diff';

export const HISTORY_LENGTH = 10;

/** The n-th event (1-based) of an order's delivered history, as the command service appends it. */
export function historyEvent(orderId: string, version: number, base = 0): NewEvent {
  const recorded = deliveredOrderHistory(orderId, base)[version - 1];
  return { type: recorded.type, schemaVersion: 1, data: recorded.data, metadata: recorded.metadata, occurredAt: recorded.occurredAt };
}

/** `count` orders, each 1-7 events into its history; returns each order's version. */
export async function appendOrderHistories(eventStore: EventStore, count: number, concurrency = 8): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < count; n = next++) {
      const orderId = orderUuid(n + 1);
      const length = 1 + (n % 7);
      const events = Array.from({ length }, (_, index) => historyEvent(orderId, index + 1, n * 13));
      await eventStore.appendToStream(`order-${orderId}`, 'no_stream', events);
      versions.set(orderId, length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return versions;
}

/** ~`perSecond` appends in the background: half advance an existing order, half place a new one. */
export function startTraffic(eventStore: EventStore, versions: Map<string, number>, perSecond = 50): { stop(): Promise<number>; appended(): number; touched: Set<string> } {
  let running = true;
  let appended = 0;
  const touched = new Set<string>();
  const open = [...versions.entries()].filter(([, version]) => version < HISTORY_LENGTH).map(([orderId]) => orderId);
  const loop = (async () => {
    const started = Date.now();
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * perSecond);
      for (; appended < due && running; appended += 1) {
        const advance = appended % 2 === 0 && open.length > 0;
        const orderId = advance ? open[appended % open.length] : randomUUID();
        const version = versions.get(orderId) ?? 0;
        await eventStore.appendToStream(`order-${orderId}`, version === 0 ? 'no_stream' : version, [historyEvent(orderId, version + 1)]);
        versions.set(orderId, version + 1);
        touched.add(orderId);
        if (version + 1 >= HISTORY_LENGTH) open.splice(open.indexOf(orderId), 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    touched,
    appended: () => appended,
    stop: async () => {
      running = false;
      await loop;
      return appended;
    },
  };
}

/** The live projections as the projector runs them, counting what they were handed. */
export class LiveProjections {
  readonly delivered = new Map<string, number>();
  gaps = 0;
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly source: SubscriptionSource,
    private readonly store: ReadStore,
    private readonly projections: readonly Projection[],
  ) {}

  async start(): Promise<void> {
    for (const projection of this.projections) {
      this.delivered.set(projection.name, 0);
      const subscription = await this.source.subscribe(`projection.${projection.name}`, async (batch) => {
        const stats = await runProjection(projection, this.store, batch as unknown as RecordedEvent[]);
        this.gaps += stats.gaps.length;
        this.delivered.set(projection.name, (this.delivered.get(projection.name) ?? 0) + batch.length);
      });
      this.subscriptions.push(subscription);
    }
  }

  /** What each live view was handed so far, for a timeout's message. */
  describe(): string {
    return JSON.stringify(Object.fromEntries(this.delivered));
  }

  caughtUpWith(events: number): boolean {
    return [...this.delivered.values()].every((delivered) => delivered >= events);
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.map((subscription) => subscription.stop()));
    this.subscriptions = [];
  }
}

/** Reads the active order-tracking view without pause; every failure or empty answer is kept. */
export function startReader(store: ReadStore, orderIds: string[]): { stop(): Promise<{ reads: number; failures: string[] }> } {
  let running = true;
  let reads = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      const orderId = orderIds[reads % orderIds.length];
      try {
        const document = await store.findById({ view: 'order-tracking', id: orderId });
        if (!document) failures.push(`order ${orderId} missing`);
        const page = await store.findPage({ view: 'order-tracking', sortBy: 'placedAt', direction: 'desc', limit: 50 });
        if (page.items.length < 50) failures.push(`a page of ${page.items.length}`);
      } catch (error) {
        failures.push(String(error));
      }
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { reads, failures };
    },
  };
}

/** Every document of the active generation of a view: `<collection>/<orderId>` -> its hashes. */
export async function viewFingerprint(store: ReadStore, view: { name: string; head: { name: string }; records: readonly { name: string }[] }): Promise<Map<string, string>> {
  const fingerprint = new Map<string, string>();
  for (const collection of [view.head, ...view.records]) {
    let cursor: string | undefined;
    do {
      const page = await store.findPage({ view: view.name, collection: collection.name, sortBy: DIFF_KEY, direction: 'asc', limit: 1000, cursor });
      for (const document of page.items) {
        const key = `${collection.name}/${String(document[DIFF_KEY])}`;
        fingerprint.set(key, [...(fingerprint.get(key)?.split(',') ?? []), documentHash(document)].sort().join(','));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return fingerprint;
}

