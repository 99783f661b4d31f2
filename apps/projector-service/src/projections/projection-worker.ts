import { EventStore, RecordedEvent } from '@ordersource/event-store';
import { EventMessage, Subscription, SubscriptionSource } from '@ordersource/messaging';
import { Projection, ProjectionRunStats, ViewWriter, runProjection } from '@ordersource/read-models';
import { Counter } from 'prom-client';
import { Logger } from '@ordersource/platform';
import { orderStreamId } from '@ordersource/domain';

export interface ProjectionWorkerOptions {
  projection: Projection;
  source: SubscriptionSource;
  readStore: ViewWriter;
  eventStore: EventStore;
  applied: Counter<'projection'>;
  logger: Logger;
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

  parked() {
    return this.subscription?.listParked() ?? Promise.resolve([]);
  }

  async handle(batch: readonly EventMessage[]): Promise<void> {
    const { projection, readStore } = this.options;
    const events = batch.map(toRecordedEvent);
    const stats = await runProjection(projection, readStore, events);
    let applied = stats.applied;
    for (const gap of stats.gaps) applied += await this.closeGap(gap, events);
    this.options.applied.inc({ projection: this.name }, applied);
  }

  private async closeGap(gap: ProjectionRunStats['gaps'][number], delivered: RecordedEvent[]): Promise<number> {
    const upTo = Math.max(...delivered.filter((event) => event.streamId === orderStreamId(gap.orderId)).map((event) => event.version));
    const missing = await this.options.eventStore.readStream(orderStreamId(gap.orderId), { fromVersion: gap.expected, toVersion: upTo });
    const again = await runProjection(this.options.projection, this.options.readStore, missing);
    if (again.gaps.length > 0) throw again.gaps[0];
    this.options.logger.warn({ projection: this.name, orderId: gap.orderId, from: gap.expected, to: upTo }, 'closed a delivery gap from the event store');
    return again.applied;
  }
}

function toRecordedEvent(message: EventMessage): RecordedEvent {
  const { orderId: _orderId, ...event } = message;
  return event as unknown as RecordedEvent;
}
