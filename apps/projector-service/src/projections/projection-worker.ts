import { EventStore } from '@ordersource/event-store';
import { EventMessage, Subscription, SubscriptionLag, SubscriptionSource, deliveryTraceOf, fromEventMessage, startEventSpans } from '@ordersource/messaging';
import { Projection, ViewProgress, ViewWriter, runProjectionFillingGaps } from '@ordersource/read-models';
import { Counter } from 'prom-client';
import { Logger, Tracer, noTracer } from '@ordersource/platform';

export interface ProjectionWorkerOptions {
  projection: Projection;
  source: SubscriptionSource;
  readStore: ViewWriter;
  eventStore: EventStore;
  applied: Counter<'projection'>;
  logger: Logger;
  /** A span `apply <projection>` per event, child of its delivery span (issue 15). */
  tracer?: Tracer;
  /** Told after each batch is committed to the view: wakes the query services' X-Min-Version waits. */
  onProgress?: (progress: ViewProgress) => void;
}

/**
 * Runs one projection on the subscription port. A gap (the transport skipped versions of an
 * order, e.g. a dead-lettered event's successors after a replay) is never applied silently: the
 * missing versions are fetched from the event store, the source of truth, and applied in
 * order; if the store cannot close it either, the handler fails and the subscription parks the
 * order after its retries.
 */
export class ProjectionWorker {
  private subscription?: Subscription;

  constructor(private readonly options: ProjectionWorkerOptions) {}

  get name(): string {
    return this.options.projection.name;
  }

  async start(): Promise<void> {
    this.subscription = await this.options.source.subscribe(`projection.${this.name}`, (batch) => this.handle(batch));
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /** How far the projection's subscription is behind the log (zero before it started). */
  lag(): SubscriptionLag {
    return this.subscription?.lag() ?? { events: 0, seconds: 0 };
  }

  parked() {
    return this.subscription?.listParked() ?? Promise.resolve([]);
  }

  /** Delivers the order's parked events again (see Subscription.replayParked). */
  replayParked(orderId: string): Promise<number> {
    if (!this.subscription) return Promise.reject(new Error(`projection ${this.name} has not started`));
    return this.subscription.replayParked(orderId);
  }

  async handle(batch: readonly EventMessage[]): Promise<void> {
    const { projection, readStore, eventStore } = this.options;
    const spans = startEventSpans(this.options.tracer ?? noTracer, `apply ${this.name}`, 'internal', batch, {
      attributes: { 'ordersource.projection': this.name },
      parentOf: (index) => deliveryTraceOf(batch[index]),
    });
    let result: Awaited<ReturnType<typeof runProjectionFillingGaps>>;
    try {
      result = await runProjectionFillingGaps(projection, readStore, eventStore, batch.map(fromEventMessage));
      spans.end();
    } catch (error) {
      spans.end(error);
      throw error;
    }
    const { applied, filled } = result;
    for (const gap of filled) this.options.logger.warn({ projection: this.name, orderId: gap.orderId, from: gap.from, to: gap.to }, 'closed a delivery gap from the event store');
    this.options.applied.inc({ projection: this.name }, applied);
    if (batch.length > 0) this.options.onProgress?.({ view: projection.view.name, orderIds: [...new Set(batch.map((message) => message.orderId))] });
  }
}
